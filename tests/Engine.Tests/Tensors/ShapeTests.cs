using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Tests.Tensors;

public sealed class ShapeTests
{
    [Fact]
    public void Size_ProductOfTheDimensions()
    {
        Assert.Equal(32 * 28 * 28, new Shape(32, 28, 28).Size);
    }

    [Fact]
    public void New_MoreFloatsThanATensorHolds_InsufficientMemoryNamingTheShape()
    {
        // The int product wrapped (784 × 2,000,000,000 is negative as an int) and the allocation failed with an
        // OverflowException and a stack trace.
        var error = Assert.Throws<InsufficientMemoryException>(() => new Shape(2_000_000_000, 784));

        Assert.Equal("(2000000000, 784) is 1,568,000,000,000 floats, more than one tensor holds (2,147,483,591).", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void New_DimensionNotPositive_Throws(int dimension)
    {
        Assert.Throws<ArgumentException>(() => new Shape(3, dimension));
    }
}
