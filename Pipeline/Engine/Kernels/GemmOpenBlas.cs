namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Runs cblas_sgemm (single-threaded inside OpenBLAS) on Parallelism's threads: C is split into contiguous column
/// (or row) strips of 16, one call per thread, with fixed boundaries. Inside a Parallelism.For body it is one call
/// on the calling thread.
/// </summary>
internal static unsafe class GemmOpenBlas
{
    private const int Strip = 16;

    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        if (k == 0)
        {
            // C = beta·C; the managed path clears without reading C when beta = 0.
            GemmManaged.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        int threads = Parallelism.InParallelRegion ? 1 : Parallelism.Threads;
        if (threads <= 1 || (long)m * n * k < 1L << 18)
        {
            OpenBlas.Sgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        GemmManaged.Split(m, n, Strip, Strip, threads, out bool alongColumns, out int strips);
        Parallelism.For(strips, new Slab(new Call(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc), alongColumns));
    }

    private readonly struct Call(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        public int M => m;
        public int N => n;

        /// <summary>C[i0..i1, j0..j1] from rows i0..i1 of op(A) and columns j0..j1 of op(B).</summary>
        public void Run(int i0, int i1, int j0, int j1)
        {
            if (i1 <= i0 || j1 <= j0) return;
            float* aPart = transposeA ? a + i0 : a + (long)i0 * lda;
            float* bPart = transposeB ? b + (long)j0 * ldb : b + j0;
            OpenBlas.Sgemm(transposeA, transposeB, i1 - i0, j1 - j0, k, alpha, aPart, lda, bPart, ldb, beta,
                c + (long)i0 * ldc + j0, ldc);
        }
    }

    private readonly struct Slab(Call call, bool alongColumns) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            if (alongColumns) call.Run(0, call.M, start * Strip, Math.Min(end * Strip, call.N));
            else call.Run(start * Strip, Math.Min(end * Strip, call.M), 0, call.N);
        }
    }
}
