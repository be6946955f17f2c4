using MlNetFashion.Engine.Kernels;

namespace MlNetFashion.Engine.Tests.Kernels;

public class GemmTests
{
    /// <summary>Edge shapes named in the kernel's contract: 1×1×1, odd, k not a multiple of the vector width, large k.</summary>
    public static TheoryData<int, int, int> EdgeShapes => new()
    {
        { 1, 1, 1 }, { 1, 33, 1 }, { 33, 1, 7 }, { 7, 31, 17 }, { 9, 33, 15 }, { 17, 65, 257 }, { 8, 32, 1000 },
        { 145, 70, 33 }, { 3, 2100, 5 },
    };

    [Fact]
    public void Multiply_RandomCases_MatchesReference()
    {
        foreach (GemmTestCase testCase in GemmTestCase.Sample(count: 150, seed: 20261124))
            testCase.AssertClose(testCase.Run(null), testCase.Run(GemmProvider.Managed));
    }

    [Theory]
    [MemberData(nameof(EdgeShapes))]
    public void Multiply_EdgeShapesAllTransposes_MatchesReference(int m, int n, int k)
    {
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
                foreach (float beta in new[] { 0f, 1f, 0.5f })
                {
                    var testCase = new GemmTestCase(ta, tb, m, n, k, Alpha: 1.5f, beta, PadA: 1, PadB: 2, PadC: 3, Seed: m + n + k);
                    testCase.AssertClose(testCase.Run(null), testCase.Run(GemmProvider.Managed));
                }
    }

    [Fact]
    public void Multiply_LargeSquareOnThreads_MatchesReference()
    {
        var testCase = new GemmTestCase(false, true, 200, 300, 520, Alpha: 1, Beta: 0.5f, PadA: 0, PadB: 0, PadC: 0, Seed: 3);
        testCase.AssertClose(testCase.Run(null), testCase.Run(GemmProvider.Managed));
    }

    [Theory]
    [InlineData(false, true, 0.5f)]
    [InlineData(true, false, 0f)]
    public void Multiply_LongKSmallC_SplitsKAcrossThreadsAndMatchesReference(bool ta, bool tb, float beta)
    {
        // m·n small, k > 2·max(m, n): the threads split k and add partial products (the weight-gradient shape).
        var testCase = new GemmTestCase(ta, tb, 17, 33, 1500, Alpha: -0.5f, beta, PadA: 1, PadB: 0, PadC: 2, Seed: 8);
        testCase.AssertClose(testCase.Run(null), testCase.Run(GemmProvider.Managed));
    }

    [Theory]
    [InlineData(false, false, 9, 784, 0f)]
    [InlineData(false, true, 9, 784, 0.5f)]
    [InlineData(true, false, 5, 3000, 1f)]
    [InlineData(true, true, 3, 40, 0f)]
    public void Multiply_ThinC_ComputedAsTransposeMatchesReference(bool ta, bool tb, int n, int k, float beta)
    {
        // n far below the tile width (conv1's dW is 32×9): the kernel computes Cᵀ and stores it transposed.
        var testCase = new GemmTestCase(ta, tb, 45, n, k, Alpha: 2f, beta, PadA: 1, PadB: 1, PadC: 2, Seed: n + k);
        testCase.AssertClose(testCase.Run(null), testCase.Run(GemmProvider.Managed));
    }

    [Fact]
    public void Multiply_ZeroK_ScalesCWithoutReadingWhenBetaIsZero()
    {
        float[] c = [float.NaN, float.NaN, 3, 4];
        Gemm.Multiply(GemmProvider.Managed, false, false, 2, 2, 0, 1, [], 1, [], 2, 0, c, 2);
        Assert.Equal(new float[] { 0, 0, 0, 0 }, c);
    }

    [Fact]
    public void Multiply_SameInputsTwice_GivesBitIdenticalResults()
    {
        var testCase = new GemmTestCase(false, false, 64, 1000, 300, 1, 0, 0, 0, 0, Seed: 11);
        Assert.Equal(testCase.Run(GemmProvider.Managed), testCase.Run(GemmProvider.Managed));
    }

    [Fact]
    public void Multiply_ShortBuffer_ThrowsNamingTheOperand()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(GemmProvider.Managed, false, false, 4, 4, 4, 1, new float[15], 4, new float[16], 4, 0, new float[16], 4));
        Assert.Contains("expected a to hold ≥ 16 floats", error.Message);
    }

    [Fact]
    public void Multiply_AfterWarmUp_AllocatesNothing()
        => GemmTestCase.AssertAllocatesNothingAfterWarmUp(GemmProvider.Managed, transposeB: true);

    [Theory]
    [InlineData(null, GemmProvider.Auto)]
    [InlineData("", GemmProvider.Auto)]
    [InlineData(" OpenBLAS ", GemmProvider.OpenBlas)]
    [InlineData("managed", GemmProvider.Managed)]
    public void ParseProvider_KnownValues_MapToProvider(string? value, GemmProvider expected)
        => Assert.Equal(expected, Gemm.ParseProvider(value));

    [Fact]
    public void ParseProvider_UnknownValue_ThrowsNamingTheVariable()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Gemm.ParseProvider("mkl"));
        Assert.Equal("MLNETFASHION_GEMM: expected auto, openblas or managed, received 'mkl'.", error.Message);
    }

    [Fact]
    public void Multiply_InsideParallelFor_EachChunkMatchesReference()
        => GemmTestCase.AssertEachMatchesReferenceWhenRunInParallel(GemmProvider.Managed, seed: 99);

    [Fact]
    public void Configure_Managed_ReportsManagedInDescription()
    {
        Assert.Equal(GemmProvider.Managed, Gemm.Configure(GemmProvider.Managed));
        Assert.StartsWith("managed ", Gemm.Description);
        Gemm.Configure(GemmProvider.Auto);
        Assert.NotEqual(GemmProvider.Auto, Gemm.Provider);
    }
}
