using MlNetFashion.Engine.Models;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Scoring.Tests;

/// <summary>
/// A small model trained once per test run with a validation split (seed004, 1 epoch on 4,000 images, 20 % held out),
/// so it carries a fitted temperature and an in-distribution threshold; <see cref="TrainedModel"/> holds none out.
/// </summary>
public static class CalibratedModel
{
    private static readonly TrainedOnce Model = new("scoring-tests-calibrated-", new TrainingRunOptions
    {
        Preset = PresetKind.TwoConv, Epochs = 1, BatchSize = 64, LimitTrain = 4000, LimitTest = 1000, ValidationFraction = 0.2f,
    });

    public static string Onnx => Model.Onnx;
    public static string MetricsJson => Path.Combine(Model.Directory, "metrics.json");
    public static FashionClassifier Classifier => Model.Classifier;
}
