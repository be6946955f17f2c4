namespace MlNetFashion.Engine.Tests.Harness;

/// <summary>
/// Equality to the bit: a fused or vector path promises the bits of the path it replaces, and a tolerance would hide a
/// changed order of additions.
/// </summary>
public static class BitAssert
{
    public static void Equal(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, received {actual[i]:R}");
    }
}
