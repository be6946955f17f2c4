using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Tests.Kernels;

public class DoubleAxpyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(37)]      // vector lanes and a scalar tail
    [InlineData(256)]
    public void Add_FloatX_EqualsScalarReferenceBitForBit(int length)
    {
        var random = new EngineRandom(11);
        float[] x = [.. Enumerable.Range(0, length).Select(_ => random.NextSingle() * 2 - 1)];
        double[] y = [.. Enumerable.Range(0, length).Select(_ => random.NextDouble() * 2 - 1)], expected = [.. y];

        for (int call = 0; call < 5; call++)
        {
            double a = random.NextDouble() * 3 - 1.5;
            DoubleAxpy.Add(x, a, y);
            DoubleAxpy.AddReference(x, a, expected);
        }

        Assert.Equal(expected, y);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(256)]
    public void Add_DoubleX_EqualsScalarReferenceBitForBit(int length)
    {
        var random = new EngineRandom(12);
        double[] x = [.. Enumerable.Range(0, length).Select(_ => random.NextDouble() * 2 - 1)];
        double[] y = [.. Enumerable.Range(0, length).Select(_ => random.NextDouble() * 2 - 1)], expected = [.. y];

        for (int call = 0; call < 5; call++)
        {
            double a = random.NextDouble() * 3 - 1.5;
            DoubleAxpy.Add(x, a, y);
            DoubleAxpy.AddReference(x, a, expected);
        }

        Assert.Equal(expected, y);
    }

    [Fact]
    public void Add_LengthsDiffer_ThrowsNamingBoth()
    {
        var error = Assert.Throws<ArgumentException>(() => DoubleAxpy.Add(new float[3], 1, new double[4]));

        Assert.Equal("axpy: expected x and y of one length. Received 3 and 4.", error.Message);
    }
}
