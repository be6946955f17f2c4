namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Single-precision matrix multiply, row-major: C[M×N] = alpha · op(A)[M×K] · op(B)[K×N] + beta · C,
/// where op(X) is X or Xᵀ. lda/ldb/ldc are row strides of the matrices as stored. Every convolution and dense
/// layer ends up here. OpenBLAS when libopenblas.so.0 loads (auto), otherwise the managed SIMD kernel;
/// MLNETFASHION_GEMM=openblas|managed|auto or <see cref="Configure"/> overrides.
/// </summary>
public static class Gemm
{
    private static GemmProvider s_provider = Resolve(ParseEnvironment());

    /// <summary>The provider in use (never Auto).</summary>
    public static GemmProvider Provider => s_provider;

    /// <summary>For bench output: "OpenBLAS (…config…)" or "managed SIMD".</summary>
    public static string Description => s_provider == GemmProvider.OpenBlas ? OpenBlas.Config : "managed SIMD (TensorPrimitives)";

    public static void Configure(GemmProvider requested) => s_provider = Resolve(requested);

    private static GemmProvider ParseEnvironment() => Environment.GetEnvironmentVariable("MLNETFASHION_GEMM")?.ToLowerInvariant() switch
    {
        "openblas" => GemmProvider.OpenBlas,
        "managed" => GemmProvider.Managed,
        _ => GemmProvider.Auto,
    };

    private static GemmProvider Resolve(GemmProvider requested)
    {
        if (requested == GemmProvider.OpenBlas && !OpenBlas.IsAvailable)
            throw new InvalidOperationException("GEMM provider OpenBLAS requested, but libopenblas.so.0 could not be loaded (Debian: apt-get install libopenblas0-pthread).");
        if (requested == GemmProvider.Auto) requested = OpenBlas.IsAvailable ? GemmProvider.OpenBlas : GemmProvider.Managed;
        if (requested == GemmProvider.OpenBlas) OpenBlas.SetThreads(Parallelism.Threads);
        return requested;
    }

    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (m == 0 || n == 0) return;
        if (s_provider == GemmProvider.OpenBlas) OpenBlas.Sgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else ManagedGemm.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>Scalar reference twin used by tests: the plain triple loop, accumulated in double.</summary>
    public static void Reference(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)av * bv;
                }
                float prior = beta == 0 ? 0 : beta * c[i * ldc + j];
                c[i * ldc + j] = (float)(alpha * sum) + prior;
            }
        }
    }
}
