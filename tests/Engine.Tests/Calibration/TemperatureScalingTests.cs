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
    public void Fit_Result_MinimisesNegativeLogLikelihood()
    {
        (float[] logits, int[] labels) = Synthetic(1.7, 5_000, seed: 3);

        double fitted = TemperatureScaling.Fit(logits, labels, 10);
        double best = TemperatureScaling.NegativeLogLikelihood(logits, labels, 10, fitted);

        Assert.True(best < TemperatureScaling.NegativeLogLikelihood(logits, labels, 10, fitted * 1.1));
        Assert.True(best < TemperatureScaling.NegativeLogLikelihood(logits, labels, 10, fitted / 1.1));
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
