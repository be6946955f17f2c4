using MlNetFashion.Engine.Calibration;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Tests.Calibration;

public class ModelCalibrationTests
{
    [Fact]
    public void Fit_NoHeldOutImages_ScoreFittedOnOtherTrainingImagesAndTemperatureOne()
    {
        Sequential model = Presets.TwoConv().Build(50, new EngineRandom(3));
        LabeledImages train = Images(new Random(4), 400);

        ModelCalibration calibration = ModelCalibration.Fit(model, heldOut: null, views: null, train: train);

        Assert.Equal(1, calibration.Temperature);
        Assert.Equal(0, calibration.HeldOutImages);
        Assert.NotNull(calibration.Features);
        Assert.Equal(InDistributionScoreKind.FeatureDistanceAndEnergy, calibration.InDistribution!.Score);
        Assert.Contains("200 training images", calibration.Note);
        // Fitted on the first half, chosen on the second: its 10th smallest score (⌊0.05 · 201⌋) and all above it pass.
        double[] second = calibration.Features!.Score(model, train.Pixels.AsSpan(200 * 784), 200);
        Assert.Equal(191, second.Count(s => calibration.InDistribution.Accepts(s)));
    }

    [Fact]
    public void Fit_HeldOutImages_FeatureThresholdAcceptsAllButTheNineLowestOfTwoHundred()
    {
        var (model, heldOut, calibration) = FitWithHeldOut(seed: 6);

        Assert.Equal(200, calibration.HeldOutImages);
        Assert.Null(calibration.Note);
        double[] scores = calibration.Features!.Score(model, heldOut.Pixels, 200);
        Assert.Equal(191, scores.Count(s => calibration.InDistribution!.Accepts(s)));
    }

    [Fact]
    public void Fit_HeldOutImages_EnergyCombinationStandardizesBothOnThem()
    {
        var (model, heldOut, calibration) = FitWithHeldOut(seed: 8);

        EnergyCombination energy = calibration.Features!.Energy!;
        Assert.Equal(InDistributionScoreKind.FeatureDistanceAndEnergy, calibration.Features.Kind);
        double[] distances = calibration.Features.DistanceScore(model, heldOut.Pixels, 200);
        double[] energies = FeatureDistance.Energies(model, heldOut.Pixels, 200);
        // Each term has mean 0 and standard deviation 1 on the held-out images, so neither outweighs the other.
        foreach ((double[] values, double offset, double scale) in new[]
        {
            (distances, energy.FeatureOffset, energy.FeatureScale), (energies, energy.EnergyOffset, energy.EnergyScale),
        })
        {
            double[] z = [.. values.Select(v => (v - offset) / scale)];
            Assert.Equal(0, z.Average(), 1e-9);
            Assert.Equal(1, Math.Sqrt(z.Sum(v => v * v) / z.Length), 1e-9);
        }
        double[] scores = calibration.Features.Score(model, heldOut.Pixels, 200);
        Assert.Equal(0, scores.Average(), 1e-9);
        for (int n = 0; n < 200; n++) Assert.Equal(energy.Combine(distances[n], energies[n]), scores[n], 1e-12);
    }

    [Fact]
    public void Fit_OneHeldOutImage_CalibratedAsWithoutAndSaysWhy()
    {
        // A 1-image split (a fraction of a few images) stopped after training: "Energy combination: expected … at least 2".
        Sequential model = Presets.TwoConv().Build(50, new EngineRandom(3));
        var random = new Random(5);
        LabeledImages train = Images(random, 400), one = Images(random, 1);

        ModelCalibration calibration = ModelCalibration.Fit(model, one, views: null, train: train);

        ModelCalibration without = ModelCalibration.Fit(model, heldOut: null, views: null, train: train);
        Assert.Equal((1.0, 0), (calibration.Temperature, calibration.HeldOutImages));
        Assert.Equal(without.InDistribution, calibration.InDistribution);
        Assert.StartsWith("1 held-out image, too few to calibrate on: temperature 1;", calibration.Note);
    }

    [Fact]
    public void Fit_NoImagesAtAll_NoRule()
    {
        Sequential model = Presets.TwoConv().Build(1, new EngineRandom(3));

        ModelCalibration calibration = ModelCalibration.Fit(model, heldOut: null);

        Assert.Null(calibration.InDistribution);
        Assert.Null(calibration.Features);
        Assert.Equal(1, calibration.Temperature);
    }

    /// <summary>
    /// two-conv (weights seeded 3) calibrated on 300 training and 200 held-out images drawn with seed <paramref name="seed"/>.
    /// </summary>
    private static (Sequential Model, LabeledImages HeldOut, ModelCalibration Calibration) FitWithHeldOut(int seed)
    {
        Sequential model = Presets.TwoConv().Build(50, new EngineRandom(3));
        var random = new Random(seed);
        LabeledImages train = Images(random, 300), heldOut = Images(random, 200);
        return (model, heldOut, ModelCalibration.Fit(model, heldOut, views: null, train: train));
    }

    /// <summary>Ten classes: a bright bar at a class's height on a dark, noisy ground.</summary>
    private static LabeledImages Images(Random random, int count)
    {
        var pixels = new float[count * 784];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            int k = labels[n] = n % 10;
            for (int p = 0; p < 784; p++)
            {
                bool bar = p / 28 >= 2 + 2 * k && p / 28 < 6 + 2 * k;
                pixels[n * 784 + p] = (float)Math.Clamp((bar ? 0.8 : 0.05) + 0.1 * (random.NextDouble() - 0.5), 0, 1);
            }
        }
        return new LabeledImages(pixels, labels, Presets.Input);
    }
}
