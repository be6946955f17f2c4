using CsCheck;
using MlNetFashion.Engine.Kernels;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>Every GEMM provider against the scalar reference on random shapes, transposes, strides, alpha and beta.</summary>
public class GemmTests
{
    private static readonly Gen<(bool TA, bool TB, int M, int N, int K, float Alpha, float Beta, int Pad)> Shapes =
        Gen.Select(Gen.Bool, Gen.Bool, Gen.OneOf(Gen.Int[1, 40], Gen.Int[1, 3]), Gen.OneOf(Gen.Int[1, 70], Gen.Int[1, 3]), Gen.OneOf(Gen.Int[1, 50], Gen.Int[15, 17]),
            Gen.Int[0, 2].Select(i => new[] { 1f, 0.5f, -2f }[i]), Gen.Int[0, 2].Select(i => new[] { 0f, 1f, 0.5f }[i]), Gen.Int[0, 3]);

    public static TheoryData<GemmProvider> Providers()
    {
        var data = new TheoryData<GemmProvider> { GemmProvider.Managed };
        if (OpenBlasAvailable()) data.Add(GemmProvider.OpenBlas);
        return data;
    }

    private static bool OpenBlasAvailable()
    {
        try { Gemm.Configure(GemmProvider.OpenBlas); return true; }
        catch (InvalidOperationException) { return false; }
        finally { Gemm.Configure(GemmProvider.Auto); }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Multiply_RandomShapes_EqualsReference(GemmProvider provider)
    {
        Gemm.Configure(provider);
        try
        {
            Shapes.Sample(s =>
            {
                var random = new Random(s.M * 1000 + s.N * 10 + s.K);
                int lda = (s.TA ? s.M : s.K) + s.Pad, ldb = (s.TB ? s.K : s.N) + s.Pad, ldc = s.N + s.Pad;
                float[] a = Fill(random, (s.TA ? s.K : s.M) * lda), b = Fill(random, (s.TB ? s.N : s.K) * ldb);
                float[] c = Fill(random, s.M * ldc), expected = (float[])c.Clone();
                if (s.Beta == 0) Array.Fill(c, float.NaN); // beta = 0 must not read C
                Gemm.Reference(s.TA, s.TB, s.M, s.N, s.K, s.Alpha, a, lda, b, ldb, s.Beta, expected, ldc);
                Gemm.Multiply(s.TA, s.TB, s.M, s.N, s.K, s.Alpha, a, lda, b, ldb, s.Beta, c, ldc);
                for (int i = 0; i < s.M; i++)
                for (int j = 0; j < s.N; j++)
                {
                    float e = expected[i * ldc + j], g = c[i * ldc + j];
                    if (!(Math.Abs(e - g) <= 1e-4f * Math.Max(1, Math.Abs(e)) * Math.Sqrt(s.K))) return false;
                }
                return true;
            }, iter: 300, seed: "0X0U8gWTCrQ4");
        }
        finally
        {
            Gemm.Configure(GemmProvider.Auto);
        }
    }

    [Fact]
    public void Multiply_LargeParallelProduct_EqualsReference()
    {
        // Large enough for the threaded split path (m·n·k above the threshold), with odd sizes.
        var random = new Random(3);
        int m = 67, n = 301, k = 129;
        float[] a = Fill(random, m * k), b = Fill(random, k * n), c = new float[m * n], expected = new float[m * n];
        Gemm.Reference(false, true, m, n, k, 1f, a, k, Transposed(b, k, n), k, 0f, expected, n);
        Gemm.Multiply(false, true, m, n, k, 1f, a, k, Transposed(b, k, n), k, 0f, c, n);
        for (int i = 0; i < c.Length; i++) Assert.True(Math.Abs(expected[i] - c[i]) <= 1e-3f, $"c[{i}]: {expected[i]} vs {c[i]}");
    }

    private static float[] Transposed(float[] x, int rows, int cols)
    {
        var t = new float[x.Length];
        for (int r = 0; r < rows; r++) for (int q = 0; q < cols; q++) t[q * rows + r] = x[r * cols + q];
        return t;
    }

    private static float[] Fill(Random random, int length) => [.. Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1))];
}
