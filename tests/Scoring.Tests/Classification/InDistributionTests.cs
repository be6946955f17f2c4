using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Engine.Calibration;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Pipeline;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Imaging;
using MlNetFashion.Scoring.Tests.Imaging;
using MlNetFashion.Tests.Shared;
using SkiaSharp;

namespace MlNetFashion.Scoring.Tests.Classification;

public class InDistributionTests
{
    private static FashionClassifier Classifier => CalibratedModel.Classifier;

    [Fact]
    public void Load_CalibratedModel_ReadsTemperatureAndThresholdItWasTrainedWith()
    {
        JsonNode metrics = JsonNode.Parse(File.ReadAllText(CalibratedModel.MetricsJson))!;
        using var session = new InferenceSession(CalibratedModel.Onnx);
        Dictionary<string, string> metadata = session.ModelMetadata.CustomMetadataMap;

        Assert.Equal("feature_distance_energy", metadata[OnnxExporter.InDistributionScoreKey]);
        Assert.Equal(InDistributionScoreKind.FeatureDistanceAndEnergy, Classifier.InDistributionScoreKind);
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
        // The threshold is chosen on the validation split so 95 % of images drawn like it pass; the test set is.
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
    public void PredictPixels_ModelWithFeatureDistanceAlone_KeepsItsScoreAndVerdict()
    {
        // A model whose metadata names the feature distance alone (ood_score=feature_distance) and whose graph computes it.
        Sequential model = Presets.TwoConv().Build(100, new EngineRandom(1));
        OnnxWeights.Load(CalibratedModel.Onnx, model);
        var test = TrainedModel.Test.Take(300);
        float[] pixels = test.ScaledPixels();
        FeatureDistance distance = FeatureDistance.Fit(model, pixels, test.IntLabels(), 200)!;
        double[] expected = distance.Score(model, pixels.AsSpan(200 * 784), 100);
        double threshold = expected.Order().ElementAt(50);
        using var temp = new TempFile("feature-distance", ".onnx");
        string path = temp.Path;
        File.WriteAllBytes(path, OnnxExporter.Export(model, FashionMnistOnnx.ExportOptions with
        {
            ClassNames = FashionMnistClasses.Names,
            FeatureDistance = distance,
            InDistribution = new InDistributionRule(InDistributionScoreKind.FeatureDistance, threshold),
        }));
        using var classifier = FashionClassifier.Load(path);

        Assert.Equal(InDistributionScoreKind.FeatureDistance, classifier.InDistributionScoreKind);
        double spread = expected.Max() - expected.Min();
        for (int n = 0; n < 100; n++)
        {
            byte[] image = test.Image(200 + n).ToArray();
            Prediction p = classifier.PredictPixels(image);
            Assert.Equal(expected[n], p.InDistributionScore, 2e-3 * spread);
            bool accepts = expected[n] >= threshold && Foreground.HasGarmentForeground(image);
            if (Math.Abs(expected[n] - threshold) > 2e-3 * spread) Assert.Equal(accepts, p.IsKnownClass);
        }
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

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BatchScorer_GarmentsBlanksAndNoise_TheScoresAndVerdictsOfPredictPixels(bool calibrated)
    {
        // Two models: one calibrated on held-out images, one whose score and threshold were fitted on training images.
        string model = calibrated ? CalibratedModel.Onnx : TrainedModel.Onnx;
        var random = new Random(7);
        byte[][] images =
        [
            .. Enumerable.Range(0, 60).Select(i => TrainedModel.Test.Image(i).ToArray()),
            new byte[784], Enumerable.Repeat((byte)255, 784).ToArray(),
            .. Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 784).Select(_ => (byte)random.Next(256)).ToArray()),
        ];
        using var classifier = FashionClassifier.Load(model);
        using var scorer = BatchScorer.Load(model);

        BatchScorer.Scores scores = scorer.Score([.. images.SelectMany(i => i)], images.Length, batchSize: 16);

        Prediction[] expected = [.. images.Select(i => classifier.PredictPixels(i))];
        double spread = expected.Max(p => p.InDistributionScore) - expected.Min(p => p.InDistributionScore);
        Assert.True(spread > 0);
        for (int n = 0; n < images.Length; n++)
        {
            Assert.Equal(expected[n].InDistributionScore, scores.InDistributionScores[n], 1e-4 * spread);
            if (classifier.InDistributionThreshold is not double t || Math.Abs(expected[n].InDistributionScore - t) > 1e-4 * spread)
                Assert.Equal(expected[n].IsKnownClass, scores.IsKnownClass[n]);
        }
        Assert.Contains(false, scores.IsKnownClass);
        Assert.Contains(true, scores.IsKnownClass);
    }
}
