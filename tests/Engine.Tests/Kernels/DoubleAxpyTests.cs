using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Tests.Kernels;

public class DoubleAxpyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(37)]      // vector lanes and a scalar tail
    [InlineData(256)]
    public void Add_FloatAndDoubleX_EqualScalarReferenceBitForBit(int length)
    {
        var random = new EngineRandom(11);
        float[] single = [.. Enumerable.Range(0, length).Select(_ => random.NextSingle() * 2 - 1)];
        double[] x = [.. Enumerable.Range(0, length).Select(_ => random.NextDouble() * 2 - 1)];
        double[] ofSingle = [.. Enumerable.Range(0, length).Select(_ => random.NextDouble() * 2 - 1)], ofDouble = [.. ofSingle];
        double[] expectedOfSingle = [.. ofSingle], expectedOfDouble = [.. ofSingle];

        for (int call = 0; call < 5; call++)
        {
            double a = random.NextDouble() * 3 - 1.5;
            DoubleAxpy.Add(single, a, ofSingle);
            DoubleAxpy.AddReference(single, a, expectedOfSingle);
            DoubleAxpy.Add(x, a, ofDouble);
            DoubleAxpy.AddReference(x, a, expectedOfDouble);
        }

        Assert.Equal(expectedOfSingle, ofSingle);
        Assert.Equal(expectedOfDouble, ofDouble);
        Assert.NotEqual(ofSingle, ofDouble);
    }

    [Fact]
    public void Add_LengthsDiffer_ThrowsNamingBoth()
    {
        var error = Assert.Throws<ArgumentException>(() => DoubleAxpy.Add(new float[3], 1, new double[4]));

        Assert.Equal("axpy: expected x and y of one length. Received 3 and 4.", error.Message);
    }
}
