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

    /// <summary>Widths below, at and past the vector lanes, heights of one row up.</summary>
    public static TheoryData<int, int> Sizes => new() { { 1, 1 }, { 2, 5 }, { 17, 3 }, { 40, 9 }, { 67, 4 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void BoxBlur3_RandomMaps_BitIdenticalToScalarSums(int width, int height)
    {
        var random = new Random(width * 100 + height);
        var map = new IntensityMap(width, height, [.. Enumerable.Range(0, width * height).Select(_ => random.NextSingle() * 300)]);
        // Sums from 0 over the rows, then over the columns, divided by the count: the order the blur promises.
        var expected = new float[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int x0 = Math.Max(0, x - 1), x1 = Math.Min(width - 1, x + 1), y0 = Math.Max(0, y - 1), y1 = Math.Min(height - 1, y + 1);
                float sum = 0;
                for (int xx = x0; xx <= x1; xx++)
                {
                    float column = 0;
                    for (int yy = y0; yy <= y1; yy++) column += map[xx, yy];
                    sum += column;
                }
                expected[y * width + x] = sum / ((y1 - y0 + 1) * (x1 - x0 + 1));
            }
        Assert.Equal(expected, map.BoxBlur3().Values);
    }

    [Fact]
    public void BoundingBox_NothingAboveThreshold_WholeMap()
    {
        var map = new IntensityMap(3, 2, [1, 2, 3, 4, 5, 6]);
        Assert.Equal((0, 0, 3, 2), map.BoundingBox(10));
        Assert.Equal((1, 1, 2, 1), map.BoundingBox(4));
    }
}
