using System.Diagnostics;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Auto provider choice: times the managed kernel and OpenBLAS once, on two shapes that stand for the engine's
/// work — a square 256³ and a convolution-like 32×6272×288 (filters × batch·pixels × C·k²) — and keeps the
/// faster total. Costs a few tens of milliseconds, once per process.
/// </summary>
internal static class GemmAutoSelection
{
    private static readonly (int M, int N, int K)[] Shapes = [(256, 256, 256), (32, 6272, 288)];

    public static (GemmProvider Provider, string Note) Choose()
    {
        if (!OpenBlas.IsAvailable) return (GemmProvider.Managed, "auto: OpenBLAS not found");
        double managed = 0, openBlas = 0;
        foreach ((int m, int n, int k) in Shapes)
        {
            var a = new float[m * k];
            var b = new float[k * n];
            var c = new float[m * n];
            var random = new Random(1);
            for (int i = 0; i < a.Length; i++) a[i] = (float)random.NextDouble() - 0.5f;
            for (int i = 0; i < b.Length; i++) b[i] = (float)random.NextDouble() - 0.5f;
            managed += BestOfThree(GemmProvider.Managed, m, n, k, a, b, c);
            openBlas += BestOfThree(GemmProvider.OpenBlas, m, n, k, a, b, c);
        }
        GemmProvider winner = managed <= openBlas ? GemmProvider.Managed : GemmProvider.OpenBlas;
        return (winner, $"auto: managed {managed * 1e3:F1} ms vs OpenBLAS {openBlas * 1e3:F1} ms");
    }

    private static double BestOfThree(GemmProvider provider, int m, int n, int k, float[] a, float[] b, float[] c)
    {
        double best = double.MaxValue;
        for (int run = 0; run < 3; run++)
        {
            long start = Stopwatch.GetTimestamp();
            Gemm.Multiply(provider, false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return best;
    }
}
