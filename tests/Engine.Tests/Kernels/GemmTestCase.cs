using CsCheck;
using MlNetFashion.Engine.Kernels;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>
/// One random GEMM problem: sizes, transposes, padded strides (ld &gt; row length), alpha/beta, and operands filled
/// from a seeded generator. C starts as NaN when beta = 0, so a kernel that reads C then fails.
/// </summary>
public sealed record GemmTestCase(bool TransposeA, bool TransposeB, int M, int N, int K, float Alpha, float Beta,
    int PadA, int PadB, int PadC, int Seed)
{
    public int Lda => (TransposeA ? M : K) + PadA;
    public int Ldb => (TransposeB ? K : N) + PadB;
    public int Ldc => N + PadC;

    public float[] A => Fill(Math.Max(1, (TransposeA ? K : M) * Lda), Seed);
    public float[] B => Fill(Math.Max(1, (TransposeB ? N : K) * Ldb), Seed + 1);

    public float[] InitialC()
    {
        float[] c = Fill(Math.Max(1, M * Ldc), Seed + 2);
        if (Beta == 0) Array.Fill(c, float.NaN);
        return c;
    }

    /// <summary>Product through <paramref name="provider"/>, or the scalar reference when null.</summary>
    public float[] Run(GemmProvider? provider)
    {
        float[] c = InitialC();
        if (provider is { } p) Gemm.Multiply(p, TransposeA, TransposeB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, c, Ldc);
        else Gemm.Reference(TransposeA, TransposeB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, c, Ldc);
        return c;
    }

    /// <summary>
    /// Asserts the m×n result matches: |Δ| ≤ 1e-5·(k + 8)·max(1, |alpha|)·max(1, |expected|) (float sums of k terms in ±1).
    /// </summary>
    public void AssertClose(float[] expected, float[] actual)
    {
        float tolerance = 1e-5f * (K + 8) * Math.Max(1, Math.Abs(Alpha));
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++)
            {
                float e = expected[i * Ldc + j], x = actual[i * Ldc + j];
                if (!(Math.Abs(e - x) <= tolerance * Math.Max(1, Math.Abs(e))))
                    Assert.Fail($"{this}: C[{i},{j}] expected {e}, received {x}");
            }
        }
    }

    private static float[] Fill(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    /// <summary>Mostly small and odd sizes (edge tiles everywhere), sometimes a k past the 256-deep block.</summary>
    public static readonly Gen<GemmTestCase> Generator =
        Gen.Select(Gen.Bool, Gen.Bool, Gen.Int[1, 70], Gen.Int[1, 90], Gen.OneOf(Gen.Int[1, 40], Gen.Int[250, 600]),
                Gen.OneOf(1f, -0.5f, 2f), Gen.OneOf(0f, 1f, 0.5f))
            .Select(Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 1000],
                (t, padA, padB, padC, seed) => new GemmTestCase(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6,
                    t.Item7, padA, padB, padC, seed));

    /// <summary>
    /// Runs 8 cases (large enough to be threaded outside a region) as the chunks of one Parallelism.For, so the
    /// threads run the kernel at the same time with their own buffers, and checks each against the reference.
    /// </summary>
    public static void AssertEachMatchesReferenceWhenRunInParallel(GemmProvider provider, ulong seed)
    {
        GemmTestCase[] cases = [.. Sample(count: 8, seed).Select(c => c with { M = c.M + 40, N = c.N + 300 })];
        var results = new float[cases.Length][];
        Parallelism.For(cases.Length, new RunEach(cases, results, provider));
        for (int i = 0; i < cases.Length; i++) cases[i].AssertClose(cases[i].Run(null), results[i]);
    }

    /// <summary>
    /// A training-sized product (64×300 by 300×500), B transposed or not, after 3 warm-up calls: a per-call allocation
    /// shows in every round of 20 calls, the runtime's own one-off work (tiered JIT, a first blocking wait) in at most one,
    /// so the quietest of three rounds must allocate no managed memory on this thread.
    /// </summary>
    public static void AssertAllocatesNothingAfterWarmUp(GemmProvider provider, bool transposeB)
    {
        var a = new float[64 * 300];
        var b = new float[300 * 500];
        var c = new float[64 * 500];
        int ldb = transposeB ? 300 : 500;
        for (int i = 0; i < 3; i++) Gemm.Multiply(provider, false, transposeB, 64, 500, 300, 1, a, 300, b, ldb, 0, c, 500);
        long allocated = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) Gemm.Multiply(provider, false, transposeB, 64, 500, 300, 1, a, 300, b, ldb, 0, c, 500);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.True(allocated == 0, $"{provider}: every round of 20 products allocated (at least {allocated} bytes); expected 0");
    }

    private readonly struct RunEach(GemmTestCase[] cases, float[][] results, GemmProvider provider) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            for (int i = start; i < end; i++) results[i] = cases[i].Run(provider);
        }
    }

    /// <summary>A fixed list of cases drawn from <see cref="Generator"/> with a fixed PCG seed: the same every run.</summary>
    public static IEnumerable<GemmTestCase> Sample(int count, ulong seed)
    {
        var pcg = new PCG(7, seed);
        for (int i = 0; i < count; i++) yield return Generator.Generate(pcg, null, out _);
    }
}
