using MlNetFashion.Engine.Kernels;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>A fact that is skipped (with the reason shown) when libopenblas.so.0 does not load on this machine.</summary>
internal sealed class OpenBlasFactAttribute : FactAttribute
{
    public OpenBlasFactAttribute()
    {
        if (!OpenBlas.IsAvailable) Skip = "libopenblas.so.0 did not load: OpenBLAS comparisons skipped (install libopenblas0).";
    }
}

public class GemmOpenBlasTests
{
    [OpenBlasFact]
    public void Multiply_RandomCases_OpenBlasMatchesReferenceAndManaged()
    {
        foreach (GemmTestCase testCase in GemmTestCase.Sample(count: 100, seed: 424242))
        {
            float[] openBlas = testCase.Run(GemmProvider.OpenBlas);
            testCase.AssertClose(testCase.Run(null), openBlas);
            testCase.AssertClose(testCase.Run(GemmProvider.Managed), openBlas);
        }
    }

    [OpenBlasFact]
    public void Multiply_ConvShapeOnThreads_OpenBlasMatchesManaged()
    {
        var testCase = new GemmTestCase(false, false, 32, 3000, 288, 1, 0, 0, 0, 0, Seed: 5);
        testCase.AssertClose(testCase.Run(GemmProvider.Managed), testCase.Run(GemmProvider.OpenBlas));
    }

    [OpenBlasFact]
    public void Multiply_OpenBlasInsideParallelFor_EachChunkMatchesReference()
        => GemmTestCase.AssertEachMatchesReferenceWhenRunInParallel(GemmProvider.OpenBlas, seed: 98);

    [OpenBlasFact]
    public void Multiply_OpenBlasAfterWarmUp_AllocatesNothing()
        => GemmTestCase.AssertAllocatesNothingAfterWarmUp(GemmProvider.OpenBlas, transposeB: false);

    [OpenBlasFact]
    public void Configure_OpenBlas_ReportsVersionInDescription()
    {
        Assert.Equal(GemmProvider.OpenBlas, Gemm.Configure(GemmProvider.OpenBlas));
        Assert.Contains("OpenBLAS", Gemm.Description);
        Gemm.Configure(GemmProvider.Auto);
    }
}
