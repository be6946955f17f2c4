using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Calibration;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Engine.Tensors;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;

namespace MlNetFashion.Engine.Tests.Calibration;

public class FeatureDistanceTests
{
    private const int Pixels = 784;

    [Fact]
    public void TapPoints_FastNet_EveryStageEndAndThePooledVector()
    {
        Sequential model = Presets.Fast().Build(1, new EngineRandom(1));

        var taps = FeatureDistance.TapPoints(model);

        // conv-BN-ReLU blocks at 32, 64, 64, 128, 128: the ReLUs before the three pools, then GlobalAvgPool's 128.
        Assert.Equal([(true, 64), (true, 128), (true, 256), (false, 128)], taps.Select(t => (t.ChannelStatistics, t.Width)));
        Assert.All(taps.Take(3), t => Assert.Equal("ReLU", model.Layers[t.Layer].Kind));
        Assert.Equal("GlobalAvgPool", model.Layers[taps[3].Layer].Kind);
    }

    [Fact]
    public void Score_ImagesUnlikeTheFittedOnes_ScoreLower()
    {
        Sequential model = Presets.TwoConv().Build(50, new EngineRandom(3));
        var random = new Random(5);
        (float[] fit, int[] labels) = Blobs(random, 400);
        (float[] heldOut, _) = Blobs(random, 200);
        float[] noise = [.. Enumerable.Range(0, 200 * Pixels).Select(_ => (float)random.NextDouble())];

        FeatureDistance distance = FeatureDistance.Fit(model, fit, labels, 400)!;
        double threshold = InDistributionScore.Threshold(distance.Score(model, heldOut, 200));
        double[] noiseScores = distance.Score(model, noise, 200);

        Assert.True(noiseScores.Count(s => s >= threshold) <= 10, $"{noiseScores.Count(s => s >= threshold)} of 200 noise images accepted");
    }

    [Fact]
    public void Export_FeatureDistance_GraphScoreMatchesEngine()
    {
        var (model, images, distance) = FitOnBlobs(new Random(9));

        AssertGraphMatchesEngine(model, distance, null, images, FitImages);
    }

    [Fact]
    public void Export_FeatureDistanceWithEnergy_GraphScoreMatchesEngine()
    {
        const int count = FitImages;
        var random = new Random(11);
        var (model, images, plain) = FitOnBlobs(random);
        (float[] heldOut, _) = Blobs(random, 100);
        EnergyCombination energy = EnergyCombination.Fit(plain.DistanceScore(model, heldOut, 100),
            FeatureDistance.Energies(model, heldOut, 100));
        FeatureDistance distance = plain.WithEnergy(energy);

        double[] graph = AssertGraphMatchesEngine(model, distance, null, images, count);

        Assert.Equal(InDistributionScoreKind.FeatureDistanceAndEnergy, distance.Kind);
        // The sum, not the feature distance alone: the two scores differ on these images.
        double[] alone = plain.Score(model, images, count);
        Assert.Contains(Enumerable.Range(0, count), n => Math.Abs(alone[n] - graph[n]) > 0.1);
    }

    [Fact]
    public void Export_FeatureDistanceWithTestTimeViews_ScoresTheImageAlone()
    {
        const int count = FitImages;
        var (model, images, plain) = FitOnBlobs(new Random(2));
        FeatureDistance distance = plain.WithEnergy(EnergyCombination.Fit(plain.DistanceScore(model, images, count),
            FeatureDistance.Energies(model, images, count)));
        TestTimeViews views = TestTimeViews.For(new AugmentationOptions(CropPadding: 1, HorizontalFlip: true))!;

        AssertGraphMatchesEngine(model, distance, views, images, count);
    }

    [Fact]
    public void DistanceScore_WithLogits_SameScoresAndTheLogitsPredictLogitsGivesBitForBit()
    {
        var random = new Random(4);
        var (model, _, distance) = FitOnBlobs(random);
        const int count = 120;   // the model's batch is 50: two whole batches and a part
        (float[] images, _) = Blobs(random, count);
        int classes = model.OutputShape.Size;
        var expectedLogits = new float[count * classes];
        model.PredictLogits(images, count, expectedLogits);
        double[] expected = distance.DistanceScore(model, images, count);

        var logits = new float[count * classes];
        double[] scores = distance.DistanceScore(model, images, count, logits);

        Assert.Equal(expected, scores);
        Assert.Equal(expectedLogits, logits);
    }

    [Fact]
    public void Distance_EveryTap_EqualsTheScalarFormulaBitForBit()
    {
        var random = new Random(6);
        var (_, _, distance) = FitOnBlobs(random);

        foreach (FeatureTap tap in distance.Taps)
        {
            // Some features 0 (a dead ReLU channel's mean): the projection skips their rows.
            float[] features = [.. Enumerable.Range(0, tap.Width).Select(i => i % 7 == 0 ? 0f : (float)random.NextDouble())];
            Assert.Equal(ScalarDistance(tap, features), tap.Distance(features));
        }
    }

    /// <summary>min_k ‖f·W − M_k‖² as the formula reads, one multiply-add at a time in double.</summary>
    private static double ScalarDistance(FeatureTap tap, float[] f)
    {
        int width = tap.Width;
        var g = new double[width];
        for (int i = 0; i < width; i++)
            for (int j = 0; j < width && f[i] != 0; j++) g[j] += (double)f[i] * tap.Whitening[i * width + j];
        double best = double.PositiveInfinity;
        for (int k = 0; k < tap.Classes; k++)
        {
            double d = 0;
            for (int j = 0; j < width; j++) d += (g[j] - tap.WhitenedMeans[k * width + j]) * (g[j] - tap.WhitenedMeans[k * width + j]);
            best = Math.Min(best, d);
        }
        return best;
    }

    private const int FitImages = 200;

    /// <summary>The fast net (weights seeded 7) and a feature distance fitted on <see cref="FitImages"/> blobs from
    /// <paramref name="random"/>.</summary>
    private static (Sequential Model, float[] Images, FeatureDistance Distance) FitOnBlobs(Random random)
    {
        Sequential model = Presets.Fast().Build(50, new EngineRandom(7));
        (float[] images, int[] labels) = Blobs(random, FitImages);
        return (model, images, FeatureDistance.Fit(model, images, labels, FitImages)!);
    }

    /// <summary>The graph's score of each image against <see cref="FeatureDistance.Score"/> in the engine; returns the graph's.</summary>
    private static double[] AssertGraphMatchesEngine(Sequential model, FeatureDistance distance, TestTimeViews? views, float[] images,
        int count)
    {
        double[] engine = distance.Score(model, images, count);
        byte[] onnx = OnnxExporter.Export(model, new OnnxExportOptions { FeatureDistance = distance, TestTimeViews = views });
        using var session = new InferenceSession(onnx);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName,
            new DenseTensor(images, [count, 1, 28, 28]))]);
        double[] graph =
            [.. results.First(r => r.Name == OnnxExporter.InDistributionScoreName).AsEnumerable<float>().Select(v => (double)v)];

        Assert.Equal(count, graph.Length);
        double spread = engine.Max() - engine.Min();
        Assert.True(spread > 0);
        // Float features through a whitening fitted on 200 images in 448 dimensions: agreement to a small share of the spread.
        for (int n = 0; n < count; n++) Assert.True(Math.Abs(engine[n] - graph[n]) <= 2e-3 * Math.Max(1, spread),
            $"image {n}: engine {engine[n]}, graph {graph[n]}");
        return graph;
    }

    [Fact]
    public void ChannelStatistics_Map_MeansThenStandardDeviations()
    {
        float[] map = [1, 3, 1, 3, 5, 5, 5, 5];   // two channels of 2×2
        var features = new float[4];

        FeatureDistance.ChannelStatistics(map, 2, features);

        Assert.Equal([2f, 5f, 1f, 0f], features);
    }

    /// <summary>Ten classes of images: a bright square at a class's place on a dark, noisy ground.</summary>
    private static (float[] Images, int[] Labels) Blobs(Random random, int count)
    {
        var images = new float[count * Pixels];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            int k = labels[n] = n % 10;
            int top = 4 + 2 * (k / 5) * 5, left = 2 + (k % 5) * 4;
            for (int p = 0; p < Pixels; p++)
            {
                int y = p / 28, x = p % 28;
                bool inside = y >= top && y < top + 10 && x >= left && x < left + 8;
                images[n * Pixels + p] = (float)Math.Clamp((inside ? 0.8 : 0.05) + 0.1 * (random.NextDouble() - 0.5), 0, 1);
            }
        }
        return (images, labels);
    }
}
