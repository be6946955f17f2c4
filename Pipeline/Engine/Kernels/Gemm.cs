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
        // OpenBLAS runs single-threaded: the engine's own pool splits large products (see Multiply), so its idle
        // spinning threads never compete with ours for the two cores.
        if (requested == GemmProvider.OpenBlas) OpenBlas.SetThreads(1);
        return requested;
    }

    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (m == 0 || n == 0) return;
        if (s_provider == GemmProvider.Managed)
        {
            ManagedGemm.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        if (Parallelism.Threads == 1 || Parallelism.InParallelRegion || (long)m * n * k < ParallelThreshold)
        {
            OpenBlas.Sgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        unsafe
        {
            fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c)
            {
                // Split the larger output dimension into one block per thread; each block is an independent SGEMM.
                bool splitRows = m >= n;
                var body = new SplitBody(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, splitRows);
                Parallelism.For(splitRows ? m : n, body);
            }
        }
    }

    /// <summary>Below this many multiply-adds one thread is faster than the hand-off.</summary>
    private const long ParallelThreshold = 1L << 18;

    private readonly unsafe struct SplitBody(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb,
        float beta, float* c, int ldc, bool splitRows) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            int count = end - start;
            if (splitRows)
            {
                float* blockA = transA ? a + start : a + (long)start * lda;
                OpenBlas.Sgemm(transA, transB, count, n, k, alpha, new ReadOnlySpan<float>(blockA, Extent(transA, count, k, lda)), lda,
                    new ReadOnlySpan<float>(b, Extent(transB, k, n, ldb)), ldb, beta, new Span<float>(c + (long)start * ldc, Extent(false, count, n, ldc)), ldc);
            }
            else
            {
                float* blockB = transB ? b + (long)start * ldb : b + start;
                OpenBlas.Sgemm(transA, transB, m, count, k, alpha, new ReadOnlySpan<float>(a, Extent(transA, m, k, lda)), lda,
                    new ReadOnlySpan<float>(blockB, Extent(transB, k, count, ldb)), ldb, beta, new Span<float>(c + start, Extent(false, m, count, ldc)), ldc);
            }
        }

        /// <summary>Floats spanned by an op(X) of rows × cols stored with row stride ld.</summary>
        private static int Extent(bool transposed, int rows, int cols, int ld) => transposed ? (cols - 1) * ld + rows : (rows - 1) * ld + cols;
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
