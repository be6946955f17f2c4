using MlNetFashion.Engine.Models;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Scoring.Tests;

/// <summary>A small model trained once per test run with our own trainer (seed004, 2 epochs on 6,000 images).</summary>
public static class TrainedModel
{
    private static readonly TrainedOnce Model = new("scoring-tests-model-", new TrainingRunOptions
    {
        Preset = PresetKind.TwoConv, Epochs = 2, BatchSize = 64, LimitTrain = 6000, LimitTest = 1000, ValidationFraction = 0,
    });

    public static string Directory => Model.Directory;
    public static string Onnx => Model.Onnx;
    public static string Zip => Path.Combine(Directory, "model.zip");
    public static FashionClassifier Classifier => Model.Classifier;
    public static FashionMnistSplit Test => LazyTest.Value;
    private static readonly Lazy<FashionMnistSplit> LazyTest = new(() => FashionMnist.LoadSplit(DataLocator.Locate(null), "t10k"));
}
