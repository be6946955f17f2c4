using MlNetFashion.Engine.Models;
using MlNetFashion.Pipeline.Runs;

namespace MlNetFashion.Scoring.Tests;

/// <summary>
/// A small model trained once per test run with a validation split (seed004, 1 epoch on 4,000 images, 20 % held out),
/// so it carries a fitted temperature and an in-distribution threshold; <see cref="TrainedModel"/> holds none out.
/// </summary>
public static class CalibratedModel
{
    private static readonly Lazy<string> LazyDirectory = new(Train);

    public static string Directory => LazyDirectory.Value;
    public static string Onnx => Path.Combine(Directory, "model.onnx");
    public static string MetricsJson => Path.Combine(Directory, "metrics.json");

    private static string Train()
    {
        string dir = ScratchDirectory.Create("scoring-tests-calibrated-");
        TrainingRun.Execute(new TrainingRunOptions
        {
            Preset = PresetKind.TwoConv, Epochs = 1, BatchSize = 64, LimitTrain = 4000, LimitTest = 1000, OutputDirectory = dir,
            ValidationFraction = 0.2f,
        }, new SilentProgress(), CancellationToken.None);
        return dir;
    }
}
