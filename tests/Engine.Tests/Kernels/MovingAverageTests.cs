using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Tests.Kernels;

public class MovingAverageTests
{
    [Theory]
    [InlineData(1, 0.9f)]
    [InlineData(37, 0.999f)]      // vector lanes and a scalar tail
    [InlineData(1000, 0.5f)]
    public void Update_AnyLength_EqualsScalarReferenceBitForBit(int length, float decay)
    {
        var random = new EngineRandom(7);
        float[] value = [.. Enumerable.Range(0, length).Select(_ => random.NextSingle() * 2 - 1)];
        float[] average = [.. Enumerable.Range(0, length).Select(_ => random.NextSingle() * 2 - 1)];
        float[] expected = [.. average];
        MovingAverage.Update(value, decay, average);
        MovingAverage.UpdateReference(value, decay, expected);
        Assert.Equal(expected, average);
        Assert.NotEqual(value, average);
    }

    [Fact]
    public void Update_LengthsDiffer_ThrowsNamingBoth()
    {
        var ex = Assert.Throws<ArgumentException>(() => MovingAverage.Update(new float[3], 0.9f, new float[4]));
        Assert.StartsWith("moving average: expected 4 values. Received 3.", ex.Message, StringComparison.Ordinal);
    }
}
