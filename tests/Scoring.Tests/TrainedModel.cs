using MlNetFashion.Engine.Models;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Runs;

namespace MlNetFashion.Scoring.Tests;

/// <summary>A small model trained once per test run with our own trainer (seed004, 2 epochs on 6,000 images).</summary>
public static class TrainedModel
{
    private static readonly Lazy<string> LazyDirectory = new(Train);

    public static string Directory => LazyDirectory.Value;
    public static string Onnx => Path.Combine(Directory, "model.onnx");
    public static string Zip => Path.Combine(Directory, "model.zip");
    public static FashionMnistSplit Test => LazyTest.Value;
    private static readonly Lazy<FashionMnistSplit> LazyTest = new(() => FashionMnist.LoadSplit(DataLocator.Locate(null), "t10k"));

    private static string Train()
    {
        string dir = ScratchDirectory.Create("scoring-tests-model-");
        TrainingRun.Execute(new TrainingRunOptions
        {
            Preset = PresetKind.TwoConv, Epochs = 2, BatchSize = 64, LimitTrain = 6000, LimitTest = 1000, OutputDirectory = dir,
            ValidationFraction = 0,
        }, new SilentProgress(), CancellationToken.None);
        return dir;
    }
}
