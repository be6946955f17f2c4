using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Tests.Imaging;
using SkiaSharp;

namespace MlNetFashion.Scoring.Tests.Classification;

public class InDistributionTests
{
    private static readonly Lazy<FashionClassifier> LazyClassifier = new(() => FashionClassifier.Load(CalibratedModel.Onnx));
    private static FashionClassifier Classifier => LazyClassifier.Value;

    [Fact]
    public void Load_CalibratedModel_ReadsTemperatureAndThresholdItWasTrainedWith()
    {
        JsonNode metrics = JsonNode.Parse(File.ReadAllText(CalibratedModel.MetricsJson))!;
        using var session = new InferenceSession(CalibratedModel.Onnx);
        Dictionary<string, string> metadata = session.ModelMetadata.CustomMetadataMap;

        Assert.Equal("feature_distance", metadata[OnnxExporter.InDistributionScoreKey]);
        Assert.Equal((double)metrics["oodThreshold"]!, Classifier.InDistributionThreshold!.Value, 9);
        Assert.Equal(double.Parse(metadata[OnnxExporter.TemperatureKey], CultureInfo.InvariantCulture), Classifier.Temperature);
        Assert.Equal((float)(double)metrics["temperature"]!, (float)Classifier.Temperature);
        Assert.NotEqual(1, Classifier.Temperature);
        Assert.InRange((double)metrics["eceAfter"]!, 0, 1);
        Assert.InRange((double)metrics["eceBefore"]!, 0, 1);
    }

    [Fact]
    public void PredictPixels_HeldOutLikeTestImages_MostAccepted()
    {
        var test = TrainedModel.Test;
        int accepted = Enumerable.Range(0, 500).Count(i => Classifier.PredictPixels(test.Image(i)).IsKnownClass);
        // The threshold accepts 95 % of the validation split; the test set is drawn like it.
        Assert.InRange(accepted, 440, 500);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(30)]
    [InlineData(128)]
    [InlineData(255)]
    public void PredictPixels_UniformImage_NotAGarment(byte value)
    {
        Prediction p = Classifier.PredictPixels(Enumerable.Repeat(value, 784).ToArray());

        Assert.False(p.IsKnownClass);
        Assert.Equal("not a garment", p.Verdict);
    }

    [Theory]
    [InlineData(255, 255, 255)]
    [InlineData(0, 0, 0)]
    [InlineData(90, 140, 200)]
    public void Predict_BlankOrUniformPhoto_NotAGarmentEvenWithLowestThreshold(byte r, byte g, byte b)
    {
        using var lenient = FashionClassifier.Load(CalibratedModel.Onnx,
            new ClassifierOptions { InDistributionThreshold = double.MinValue });
        byte[] png = ImagePreprocessorTests.Encode(300, 200, (_, _) => new SKColor(r, g, b), SKEncodedImageFormat.Png);

        Assert.False(lenient.Predict(png, "blank.png").IsKnownClass);
    }

    [Fact]
    public void PredictPixels_CallerThreshold_ReplacesModelThreshold()
    {
        byte[] garment = TrainedModel.Test.Image(0).ToArray();
        using var strict = FashionClassifier.Load(CalibratedModel.Onnx,
            new ClassifierOptions { InDistributionThreshold = double.MaxValue });
        using var lenient = FashionClassifier.Load(CalibratedModel.Onnx,
            new ClassifierOptions { InDistributionThreshold = double.MinValue });

        Assert.False(strict.PredictPixels(garment).IsKnownClass);
        Assert.True(lenient.PredictPixels(garment).IsKnownClass);
        Assert.Equal(double.MaxValue, strict.InDistributionThreshold);
    }
}
