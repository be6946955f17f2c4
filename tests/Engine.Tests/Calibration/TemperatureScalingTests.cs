using MlNetFashion.Engine.Calibration;

namespace MlNetFashion.Engine.Tests.Calibration;

public class TemperatureScalingTests
{
    /// <summary>Logits z and labels drawn from softmax(z / T): the fit must find that T again.</summary>
    private static (float[] Logits, int[] Labels) Synthetic(double temperature, int count, int seed)
    {
        const int classes = 10;
        var random = new Random(seed);
        var logits = new float[count * classes];
        var labels = new int[count];
        var p = new float[classes];
        for (int n = 0; n < count; n++)
        {
            for (int k = 0; k < classes; k++) logits[n * classes + k] = (float)(random.NextDouble() * 8 - 4);
            TemperatureScaling.Softmax(logits.AsSpan(n * classes, classes), classes, temperature, p);
            double u = random.NextDouble(), sum = 0;
            int label = classes - 1;
            for (int k = 0; k < classes; k++)
            {
                sum += p[k];
                if (u < sum) { label = k; break; }
            }
            labels[n] = label;
        }
        return (logits, labels);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    public void Fit_LabelsDrawnAtKnownTemperature_RecoversIt(double temperature)
    {
        (float[] logits, int[] labels) = Synthetic(temperature, 20_000, seed: 7);

        double fitted = TemperatureScaling.Fit(logits, labels, 10);

        Assert.InRange(fitted, temperature * 0.95, temperature * 1.05);
    }

    [Fact]
    public void Fit_Result_MinimisesTheCrossEntropyAgainstPlattsTargets()
    {
        (float[] logits, int[] labels) = Synthetic(1.7, 5_000, seed: 3);
        double target = TemperatureScaling.TrueClassTarget(labels.Length);

        double fitted = TemperatureScaling.Fit(logits, labels, 10);
        double best = TemperatureScaling.CrossEntropy(logits, labels, 10, fitted, target);

        Assert.Equal(5_001.0 / 5_002, target);
        Assert.True(best < TemperatureScaling.CrossEntropy(logits, labels, 10, fitted * 1.1, target));
        Assert.True(best < TemperatureScaling.CrossEntropy(logits, labels, 10, fitted / 1.1, target));
    }

    [Fact]
    public void CrossEntropy_TargetOne_IsTheNegativeLogLikelihood()
    {
        (float[] logits, int[] labels) = Synthetic(0.8, 300, seed: 5);
        double[] byHand = [.. labels.Select((label, n) =>
            TemperatureScaling.LogSumExp(logits.AsSpan(n * 10, 10), 0.8) - logits[n * 10 + label] / 0.8)];

        Assert.Equal(byHand.Average(), TemperatureScaling.NegativeLogLikelihood(logits, labels, 10, 0.8), 1e-12);
        Assert.Equal(byHand.Average(), TemperatureScaling.CrossEntropy(logits, labels, 10, 0.8, 1), 1e-12);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(135)]
    public void Fit_HeldOutImagesAllRight_LeavesTheirConfidenceNearPlattsTargetNotAtTheBound(int count)
    {
        // Every image's label has the largest logit, by 2 to 6: the likelihood alone keeps growing as T falls.
        var random = new Random(count);
        var logits = new float[count * 10];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = n % 10;
            for (int k = 0; k < 10; k++) logits[n * 10 + k] = (float)(random.NextDouble() * 2);
            logits[n * 10 + labels[n]] += 2 + (float)(random.NextDouble() * 4);
        }
        Assert.True(TemperatureScaling.NegativeLogLikelihood(logits, labels, 10, TemperatureScaling.MinTemperature)
            < TemperatureScaling.NegativeLogLikelihood(logits, labels, 10, 0.5));

        double fitted = TemperatureScaling.Fit(logits, labels, 10);

        Assert.InRange(fitted, TemperatureScaling.MinTemperature * 2, 1);
        var p = new float[logits.Length];
        TemperatureScaling.Softmax(logits, 10, fitted, p);
        double confidence = labels.Select((label, n) => (double)p[n * 10 + label]).Average();
        double target = TemperatureScaling.TrueClassTarget(count);
        Assert.InRange(confidence, target - 0.05, target);
    }

    [Theory]
    [InlineData(0.6)]
    [InlineData(2.5)]
    public void Unscale_ProbabilitiesAtTemperature_GivesSoftmaxOfTheLogits(double temperature)
    {
        (float[] logits, _) = Synthetic(temperature, 200, seed: 11);
        var calibrated = new float[logits.Length];
        var expected = new float[logits.Length];
        var unscaled = new float[logits.Length];
        TemperatureScaling.Softmax(logits, 10, temperature, calibrated);
        TemperatureScaling.Softmax(logits, 10, 1, expected);

        TemperatureScaling.Unscale(calibrated, 10, temperature, unscaled);

        for (int i = 0; i < logits.Length; i++) Assert.Equal(expected[i], unscaled[i], 5e-6f);
    }

    [Fact]
    public void Unscale_ProbabilityRoundedToZero_StaysZero()
    {
        float[] calibrated = [1f, 0f, 0f];
        var unscaled = new float[3];

        TemperatureScaling.Unscale(calibrated, 3, 0.5, unscaled);

        Assert.Equal([1f, 0f, 0f], unscaled);
    }

    [Fact]
    public void Softmax_TemperatureTwo_EqualsSoftmaxOfHalvedLogits()
    {
        float[] logits = [2f, 0f, -2f];
        var p = new float[3];

        TemperatureScaling.Softmax(logits, 3, 2, p);

        double e1 = Math.E, e0 = 1, em1 = 1 / Math.E, sum = e1 + e0 + em1;
        Assert.Equal(e1 / sum, p[0], 6);
        Assert.Equal(e0 / sum, p[1], 6);
        Assert.Equal(em1 / sum, p[2], 6);
    }

    [Fact]
    public void Fit_NoImages_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => TemperatureScaling.Fit([], [], 10));
        Assert.Contains("at least one held-out image", ex.Message);
    }
}
