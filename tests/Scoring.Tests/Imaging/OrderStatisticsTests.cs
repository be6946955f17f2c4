using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Tests.Imaging;

public class OrderStatisticsTests
{
    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 1000)]
    [InlineData(97, 1000)]
    [InlineData(14_000, 1000)]
    [InlineData(5_000, 3)]
    public void Select_RandomValuesWithRepeats_TheValueASortPutsAtK(int count, int distinct)
    {
        var random = new Random(count + distinct);
        float[] values = [.. Enumerable.Range(0, count).Select(_ => random.Next(distinct) * 0.25f)];
        float[] sorted = [.. values.Order()];
        foreach (int k in new[] { 0, count / 2, count - 1, random.Next(count) })
            Assert.Equal(sorted[k], OrderStatistics.Select([.. values], k));
    }

    [Fact]
    public void Select_SortedAndReversed_TheValueASortPutsAtK()
    {
        float[] ascending = [.. Enumerable.Range(0, 5_000).Select(i => (float)i)];
        Assert.Equal(2_500, OrderStatistics.Select([.. ascending], 2_500));
        Assert.Equal(10, OrderStatistics.Select([.. ascending.Reverse()], 10));
    }

    [Theory]
    [InlineData(new float[] { 3, 1, 2 }, 2)]
    [InlineData(new float[] { 4, 1, 3, 2 }, 2.5f)]
    [InlineData(new float[] { 7 }, 7)]
    [InlineData(new float[0], 0)]
    public void Median_OddEvenOneNone_MiddleOrMeanOfTheTwoMiddle(float[] values, float expected) =>
        Assert.Equal(expected, OrderStatistics.Median(values));

    [Fact]
    public void Select_IndexOutsideTheValues_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => OrderStatistics.Select(new float[3], 3));
}
