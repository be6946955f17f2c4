using System.Diagnostics;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Auto provider choice: times the managed kernel and OpenBLAS once per process (~10 ms) on shapes that stand for
/// the engine's work and keeps the faster total. A square 256³ on all threads (dense layers, large calls), and the
/// three GEMMs of one conv2 chunk as the convolution kernel issues them inside a Parallelism.For body, on one
/// thread: forward W·cols 32×980×288, weight gradient dY·colsᵀ 32×288×980, input gradient Wᵀ·dY 288×980×32.
/// OpenBLAS is chosen only when it is more than 10% faster in total.
/// </summary>
internal static unsafe class GemmAutoSelection
{
    private static readonly (bool TransposeA, bool TransposeB, int M, int N, int K, bool Threaded)[] Shapes =
    [
        (false, false, 256, 256, 256, true),
        (false, false, 32, 980, 288, false),
        (false, true, 32, 288, 980, false),
        (true, false, 288, 980, 32, false),
    ];

    public static (GemmProvider Provider, string Note) Choose()
    {
        if (!OpenBlas.IsAvailable) return (GemmProvider.Managed, "auto: OpenBLAS not found");
        double managed = 0, openBlas = 0;
        var random = new Random(1);
        foreach ((bool ta, bool tb, int m, int n, int k, bool threaded) in Shapes)
        {
            var a = new float[m * k];
            var b = new float[k * n];
            var c = new float[m * n];
            for (int i = 0; i < a.Length; i++) a[i] = (float)random.NextDouble() - 0.5f;
            for (int i = 0; i < b.Length; i++) b[i] = (float)random.NextDouble() - 0.5f;
            int lda = ta ? m : k, ldb = tb ? k : n;
            fixed (float* pa = a, pb = b, pc = c)
            {
                managed += BestOfFive(GemmProvider.Managed, ta, tb, m, n, k, pa, lda, pb, ldb, pc, threaded);
                openBlas += BestOfFive(GemmProvider.OpenBlas, ta, tb, m, n, k, pa, lda, pb, ldb, pc, threaded);
            }
        }
        // OpenBLAS must win by a clear 10%: near a tie the timing noise would flip the choice from run to run
        // (and with it the last bits of every result), and the managed kernel needs no native library.
        GemmProvider winner = openBlas * 1.10 < managed ? GemmProvider.OpenBlas : GemmProvider.Managed;
        return (winner, $"auto: managed {managed * 1e3:F2} ms vs OpenBLAS {openBlas * 1e3:F2} ms");
    }

    private static double BestOfFive(GemmProvider provider, bool ta, bool tb, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float* c, bool threaded)
    {
        double best = double.MaxValue;
        for (int run = 0; run < 5; run++)
        {
            long start = Stopwatch.GetTimestamp();
            if (provider == GemmProvider.Managed)
                GemmManaged.Multiply(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c, n, allowThreads: threaded);
            else if (threaded)
                GemmOpenBlas.Multiply(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
            else
                OpenBlas.Sgemm(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return best;
    }
}
