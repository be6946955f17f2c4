using MlNetFashion.Engine.Calibration;

namespace MlNetFashion.Engine.Tests.Calibration;

public class CalibrationErrorTests
{
    // Four images, two classes: top probabilities 0.9 (right), 0.8 (wrong), 0.7 (right), 0.6 (right).
    private static readonly float[] Probabilities = [0.9f, 0.1f, 0.8f, 0.2f, 0.3f, 0.7f, 0.6f, 0.4f];
    private static readonly int[] Labels = [0, 1, 1, 0];

    [Fact]
    public void Expected_FifteenBins_EachImageAlone_MeanGap()
    {
        // Each image in its own bin: (|1 − 0.9| + |0 − 0.8| + |1 − 0.7| + |1 − 0.6|) / 4 = 1.6 / 4.
        double ece = CalibrationError.Expected(Probabilities, Labels, 2);

        Assert.Equal(0.4, ece, 6);
    }

    [Fact]
    public void Expected_TwoBins_AllInUpperBin_GapOfMeans()
    {
        // One bin (0.5, 1]: accuracy 3/4, mean confidence (0.9 + 0.8 + 0.7 + 0.6) / 4 = 0.75.
        double ece = CalibrationError.Expected(Probabilities, Labels, 2, bins: 2);

        Assert.Equal(0, ece, 6);
    }

    [Fact]
    public void Reliability_FifteenBins_PutsEachImageInItsBin()
    {
        CalibrationError.Bin[] bins = CalibrationError.Reliability(Probabilities, Labels, 2);

        Assert.Equal(15, bins.Length);
        Assert.Equal(4, bins.Sum(b => b.Count));
        CalibrationError.Bin top = bins.Single(b => b.Lower < 0.9 && 0.9 <= b.Upper);
        Assert.Equal(1, top.Count);
        Assert.Equal(1, top.Accuracy);
        Assert.Equal(0.9, top.Confidence, 6);
    }
}
