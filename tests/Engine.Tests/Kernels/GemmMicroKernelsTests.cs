using System.Runtime.Intrinsics;
using MlNetFashion.Engine.Kernels;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>
/// Each instantiation of the generic micro-kernel against its FMA chain written out in scalar code, bit for bit.
/// Every instantiation runs on any x64 machine (a Vector512 one without AVX-512 runs the runtime's software
/// fallback), so the AVX2 6×16 tile is checked on AVX-512 machines too, where GEMM itself never picks it.
/// </summary>
public unsafe class GemmMicroKernelsTests
{
    /// <summary>(tile rows: 8 = Vector512 8×32, 4 = its 4-row edge strip, 6 = Vector256 6×16; kc; beta).</summary>
    public static TheoryData<int, int, float> Tiles => new()
    {
        { 8, 1, 0f }, { 8, 7, 0.5f }, { 8, 300, 0f }, { 8, 300, -1.25f },
        { 4, 1, 0f }, { 4, 300, 0f }, { 4, 300, 2f },
        { 6, 1, 0f }, { 6, 7, 0.5f }, { 6, 300, 0f }, { 6, 300, -1.25f },
    };

    [Theory]
    [MemberData(nameof(Tiles))]
    public void Kernel_EachTile_EqualsScalarFmaChainAndWritesNothingElse(int rows, int kc, float beta)
    {
        if (rows == 8) AssertEqualsFmaChain<Vector512<float>, Rows8>(kc, beta, GemmMicroKernels.Mr512, seed: kc);
        else if (rows == 4) AssertEqualsFmaChain<Vector512<float>, Rows4>(kc, beta, GemmMicroKernels.Mr512, seed: 10 + kc);
        else AssertEqualsFmaChain<Vector256<float>, Rows6>(kc, beta, GemmMicroKernels.Mr256, seed: 20 + kc);
    }

    /// <summary>
    /// A packed A strip [kc][mr], a B strip [kc][ldb] with ldb wider than the tile (as when B is read in place) and
    /// C [mr][ldc] with ldc wider still. Expected: acc = fma(a[p, r], b[p, j], acc) over p, then
    /// fma(c, beta, alpha·acc) (beta = 0: alpha·acc, C not read, so C's NaNs must not show); rows past TRows and
    /// columns past the tile keep their sentinel.
    /// </summary>
    private static void AssertEqualsFmaChain<TVec, TRows>(int kc, float beta, int mr, int seed)
        where TVec : struct
        where TRows : struct, ITileRows
    {
        int nr = 2 * SimdLanes<TVec>.Count, rows = TRows.Count, ldb = nr + 5, ldc = nr + 3;
        const float Alpha = 1.5f, Sentinel = -12345f;
        var random = new Random(seed);
        float[] a = Random(random, kc * mr), b = Random(random, kc * ldb), c = Random(random, mr * ldc);
        for (int r = 0; r < mr; r++)
        {
            for (int j = 0; j < ldc; j++)
            {
                if (r >= rows || j >= nr) c[r * ldc + j] = Sentinel;
                else if (beta == 0) c[r * ldc + j] = float.NaN;
            }
        }
        float[] expected = (float[])c.Clone();
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < nr; j++)
            {
                float acc = 0;
                for (int p = 0; p < kc; p++) acc = MathF.FusedMultiplyAdd(a[p * mr + r], b[p * ldb + j], acc);
                float scaled = Alpha * acc;
                expected[r * ldc + j] = beta == 0 ? scaled : MathF.FusedMultiplyAdd(c[r * ldc + j], beta, scaled);
            }
        }

        fixed (float* pa = a, pb = b, pc = c)
            GemmMicroKernels.Kernel<TVec, TRows>(kc, pa, pb, ldb, pc, ldc, Alpha, beta);

        for (int i = 0; i < c.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(c[i]),
                $"C[{i / ldc}, {i % ldc}]: expected {expected[i]:R}, received {c[i]:R}");
    }

    private static float[] Random(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
