using System.Diagnostics;
using MlNetFashion.Engine.Kernels;

namespace MlNetFashion.Benchmarks;

/// <summary>
/// `dotnet run --project benchmarks -c Release -- gemm`: GFLOP/s of the managed kernel and OpenBLAS on 1 and 2
/// threads, for 1024³ and the GEMMs of the seed001 net's convolutions at batch 128 (forward W·cols, weight
/// gradient dY·colsᵀ, input gradient Wᵀ·dY), medians of several runs, with the managed/OpenBLAS ratio.
/// `-- gemm chunk` runs only the shapes whose name contains "chunk".
/// </summary>
public static class GemmBenchmark
{
    private sealed record Case(string Name, bool TransposeA, bool TransposeB, int M, int N, int K);

    private static readonly Case[] Cases =
    [
        new("square 1024³", false, false, 1024, 1024, 1024),
        new("conv1 fwd W·cols", false, false, 32, 128 * 784, 9),
        new("conv2 fwd W·cols", false, false, 32, 128 * 196, 288),
        new("conv3 fwd W·cols", false, false, 64, 128 * 49, 288),
        new("conv1 dW dY·colsᵀ", false, true, 32, 9, 128 * 784),
        new("conv2 dW dY·colsᵀ", false, true, 32, 288, 128 * 196),
        new("conv3 dW dY·colsᵀ", false, true, 64, 288, 128 * 49),
        new("conv2 dX Wᵀ·dY", true, false, 288, 128 * 196, 32),
        new("conv3 dX Wᵀ·dY", true, false, 288, 128 * 49, 64),
        // The layers stream's ConvolutionKernel runs one GEMM per ~1,000-column chunk inside a Parallelism.For
        // body (so on one thread): these are its shapes for conv1 (1 sample), conv2 (5) and conv3 (20).
        new("chunk conv1 fwd", false, false, 32, 784, 9),
        new("chunk conv1 dW", false, true, 32, 9, 784),
        new("chunk conv2 fwd", false, false, 32, 980, 288),
        new("chunk conv2 dW", false, true, 32, 288, 980),
        new("chunk conv2 dX", true, false, 288, 980, 32),
        new("chunk conv3 fwd", false, false, 64, 980, 288),
        new("chunk conv3 dW", false, true, 64, 288, 980),
        new("chunk conv3 dX", true, false, 288, 980, 64),
        // WinogradKernel's 16 per-ξ GEMMs of one chunk (256 tiles, on one thread) for the fast net's 3×3 layers at
        // 14² (64 filters, 5 images = 245 tiles) and 7² (128 filters, 16 images = 256 tiles):
        // M = U·V, dU += dM·Vᵀ, dV = Uᵀ·dM.
        new("wino 14² 64→64 fwd", false, false, 64, 245, 64),
        new("wino 14² 64→64 dU", false, true, 64, 64, 245),
        new("wino 14² 64→64 dV", true, false, 64, 245, 64),
        new("wino 7² 128→128 fwd", false, false, 128, 256, 128),
        new("wino 7² 128→128 dU", false, true, 128, 128, 256),
        new("wino 7² 128→128 dV", true, false, 128, 256, 128),
        // The best net's 192 → 192 layer at 7², per thread at batch 64 on two threads: F(2×2) chunks give 256 columns
        // (16 images × 16 tiles), F(4×4) 128 (32 images × 4 tiles).
        new("F2 7² 192→192 fwd", false, false, 192, 256, 192),
        new("F2 7² 192→192 dU", false, true, 192, 192, 256),
        new("F2 7² 192→192 dV", true, false, 192, 256, 192),
        new("F4 7² 192→192 fwd", false, false, 192, 128, 192),
        new("F4 7² 192→192 dU", false, true, 192, 192, 128),
        new("F4 7² 192→192 dV", true, false, 192, 128, 192),
    ];

    public static void Run(string filter = "", int runs = 7)
    {
        bool openBlas = TryConfigure(GemmProvider.OpenBlas);
        int threads = Parallelism.Threads;
        Console.WriteLine($"SGEMM GFLOP/s, median of {runs} runs; OpenBLAS: {(openBlas ? OpenBlasDescription() : "not found")}");
        Console.WriteLine($"{"shape (M×N×K)",-40} {"managed 1t",10} {"OpenBLAS 1t",11} {"ratio",6} {$"managed {threads}t",10} " +
            $"{$"OpenBLAS {threads}t",11} {"ratio",6}");
        foreach (Case c in Cases.Where(c => c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
        {
            var a = Random(c.M * c.K, 1);
            var b = Random(c.K * c.N, 2);
            var output = new float[c.M * c.N];
            string row = $"{c.Name} {c.M}×{c.N}×{c.K}";
            Console.Write($"{row,-40}");
            foreach (int t in new[] { 1, threads })
            {
                Parallelism.Threads = t;
                double managed = Measure(GemmProvider.Managed, c, a, b, output, runs);
                double blas = openBlas ? Measure(GemmProvider.OpenBlas, c, a, b, output, runs) : double.NaN;
                Console.Write($" {managed,10:F1} {blas,11:F1} {managed / blas,6:F2}");
            }
            Parallelism.Threads = threads;
            Console.WriteLine();
        }
        Gemm.Configure(GemmProvider.Auto);
        Console.WriteLine($"auto picks: {Gemm.Description}");
        Console.WriteLine($"Parallelism.For round trip ({threads} chunks, empty body): {ForRoundTripMicroseconds():F1} µs median");
    }

    /// <summary>
    /// The managed kernel's GFLOP/s on size³ (2·size³ per multiply) at <see cref="Parallelism.Threads"/>, median of
    /// <paramref name="runs"/>; the provider is left at <see cref="GemmProvider.Auto"/>.
    /// </summary>
    public static double SquareManagedGflops(int size, int runs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(runs);
        var square = new Case($"square {size}³", false, false, size, size, size);
        try
        {
            return Measure(GemmProvider.Managed, square, Random(size * size, 1), Random(size * size, 2), new float[size * size], runs);
        }
        finally
        {
            Gemm.Configure(GemmProvider.Auto);
        }
    }

    private readonly struct Empty : IParallelRange
    {
        public void Execute(int start, int end) { }
    }

    private static double ForRoundTripMicroseconds()
    {
        var samples = new double[2001];
        for (int i = 0; i < samples.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            Parallelism.For(Parallelism.Threads, new Empty());
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        return samples[samples.Length / 2];
    }

    private static bool TryConfigure(GemmProvider provider)
    {
        try
        {
            Gemm.Configure(provider);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string OpenBlasDescription()
    {
        Gemm.Configure(GemmProvider.OpenBlas);
        return Gemm.Description;
    }

    private static double Measure(GemmProvider provider, Case c, float[] a, float[] b, float[] output, int runs)
    {
        Gemm.Configure(provider);
        int lda = c.TransposeA ? c.M : c.K, ldb = c.TransposeB ? c.K : c.N;
        var seconds = new double[runs];
        // Small shapes repeat inside one timing so each run lasts ≥ ~2 ms.
        int repeats = (int)Math.Clamp(2e7 / (2.0 * c.M * c.N * c.K), 1, 1000);
        Gemm.Multiply(c.TransposeA, c.TransposeB, c.M, c.N, c.K, 1, a, lda, b, ldb, 0, output, c.N); // warm-up
        for (int r = 0; r < runs; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < repeats; i++) Gemm.Multiply(c.TransposeA, c.TransposeB, c.M, c.N, c.K, 1, a, lda, b, ldb, 0, output, c.N);
            seconds[r] = Stopwatch.GetElapsedTime(start).TotalSeconds / repeats;
        }
        Array.Sort(seconds);
        return 2.0 * c.M * c.N * c.K / seconds[runs / 2] / 1e9;
    }

    private static float[] Random(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)random.NextDouble() - 0.5f;
        return values;
    }
}
