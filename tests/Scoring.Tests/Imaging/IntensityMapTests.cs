using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Tests.Imaging;

public class IntensityMapTests
{
    [Fact]
    public void FitInto_FourByTwoIntoTwoPixels_AreaMeansCentred()
    {
        var map = new IntensityMap(4, 2, [10, 20, 30, 40, 50, 60, 70, 80]);
        IntensityMap fitted = map.FitInto(4, 2, (0, 0, 4, 2));
        // Scale ½: each output pixel is the mean of a 2×2 block; the 2×1 result sits at row (4 − 1) / 2 = 1, columns 1–2.
        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 35, 55, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, fitted.Values);
    }

    [Fact]
    public void BoxBlur3_OnePixel_SpreadOverItsNeighbourhood()
    {
        var map = new IntensityMap(3, 3, [0, 0, 0, 0, 90, 0, 0, 0, 0]);
        IntensityMap blurred = map.BoxBlur3();
        Assert.Equal(10, blurred[1, 1]);        // 90 / 9
        Assert.Equal(22.5f, blurred[0, 0]);     // a corner averages 4 pixels
        Assert.Equal(15, blurred[1, 0]);        // an edge 6
    }

    [Fact]
    public void BoundingBox_NothingAboveThreshold_WholeMap()
    {
        var map = new IntensityMap(3, 2, [1, 2, 3, 4, 5, 6]);
        Assert.Equal((0, 0, 3, 2), map.BoundingBox(10));
        Assert.Equal((1, 1, 2, 1), map.BoundingBox(4));
    }
}
