using CsCheck;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Tests.Harness;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>The vector Adam step against its scalar twin, bit for bit (a seed must keep giving the same weights).</summary>
public class AdamKernelTests
{
    private static readonly Gen<(int Length, int Seed)> Lengths =
        Gen.Select(Gen.OneOf(Gen.Int[0, 40], Gen.Int[200, 1100]), Gen.Int[0, 10_000]);

    // Adam with L2 at its first step and AdamW at a late one (the shrink and a large bias correction).
    private static readonly AdamKernel.Coefficients AdamFirstStep = new(0.9f, 0.999f, 1e-8f, Coupled: 0.05f, Shrink: 1f,
        StepSize: 0.008f / (1f - 0.9f), RootCorrection2: MathF.Sqrt(1f - 0.999f));
    private static readonly AdamKernel.Coefficients AdamWLateStep = new(0.9f, 0.999f, 1e-7f, Coupled: 0f, Shrink: 1f - 0.004f * 0.05f,
        StepSize: 0.004f / (1f - MathF.Pow(0.9f, 900)), RootCorrection2: MathF.Sqrt(1f - MathF.Pow(0.999f, 900)));

    [Fact]
    public void Step_RandomLengths_MatchesReferenceBitForBit()
    {
        foreach ((int length, int seed) in KernelCases.Sample(Lengths, 60, seed: 47))
        {
            AssertStepMatchesReference(length, seed, AdamFirstStep);
            AssertStepMatchesReference(length, seed, AdamWLateStep);
        }
    }

    [Theory]
    [InlineData(32_768)]
    [InlineData(147_459)]
    public void Step_ConvolutionSizedParameters_MatchesReferenceBitForBit(int length)
    {
        AssertStepMatchesReference(length, length, AdamFirstStep);
        AssertStepMatchesReference(length, length, AdamWLateStep);
    }

    [Fact]
    public void Step_ShortState_ThrowsNamingTheLengths()
    {
        var e = Assert.Throws<ArgumentException>(() => AdamKernel.Step(new float[10], AdamFirstStep, new float[10], new float[9],
            new float[10]));
        Assert.Contains("10", e.Message);
        Assert.Contains("9", e.Message);
    }

    private static void AssertStepMatchesReference(int length, int seed, AdamKernel.Coefficients k)
    {
        float[] gradient = KernelCases.Random(length, seed, scale: 0.1f), value = KernelCases.Random(length, seed + 1);
        float[] m = KernelCases.Random(length, seed + 2, scale: 0.01f);
        float[] v = [.. KernelCases.Random(length, seed + 3, scale: 1e-3f).Select(x => x * x)];
        float[] expectedValue = [.. value], expectedM = [.. m], expectedV = [.. v];
        AdamKernel.Step(gradient, k, m, v, value);
        AdamKernel.Reference(gradient, k, expectedM, expectedV, expectedValue);
        BitAssert.Equal(expectedM, m, $"m, length {length}");
        BitAssert.Equal(expectedV, v, $"v, length {length}");
        BitAssert.Equal(expectedValue, value, $"value, length {length}");
    }
}
