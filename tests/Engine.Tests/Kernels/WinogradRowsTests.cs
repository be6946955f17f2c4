using System.Runtime.Intrinsics;
using MlNetFashion.Engine.Kernels;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>
/// The row routines of the F(2×2) vector path against scalar twins, bit for bit: the default training run's results depend on
/// every float these produce, so "close" is not enough.
/// </summary>
public unsafe class WinogradRowsTests
{
    private const float Sentinel = -12345f;

    [Fact]
    public void Deinterleave_EveryRowLength_EqualsStridedCopyPaddedWithZeros()
    {
        var random = new Random(20261206);
        for (int count = 1; count <= 40; count++)
        {
            float[] source = Random(random, count);
            int written = (count + 15) / 16 * 8;
            float[] even = Filled(written + 8), odd = Filled(written + 8);
            fixed (float* s = source) fixed (float* e = even) fixed (float* o = odd) WinogradRows.Deinterleave(s, count, e, o);
            for (int k = 0; k < written + 8; k++)
            {
                Assert.Equal(k >= written ? Sentinel : 2 * k < count ? source[2 * k] : 0f, even[k]);
                Assert.Equal(k >= written ? Sentinel : 2 * k + 1 < count ? source[2 * k + 1] : 0f, odd[k]);
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Interleave_EveryRowLength_EqualsScalarTwinAndWritesNothingPastTheRow(bool withBias)
    {
        var random = new Random(20261207);
        for (int count = 1; count <= 40; count++)
        {
            int blocks = (count + 15) / 16 * 8;
            float[] even = Random(random, blocks), odd = Random(random, blocks), row = Filled(count + 16);
            float bias = withBias ? (float)random.NextDouble() - 0.5f : 0f;
            fixed (float* e = even) fixed (float* o = odd) fixed (float* r = row)
            {
                if (withBias) WinogradRows.Interleave(e, o, count, bias, r);
                else WinogradRows.Interleave(e, o, count, r);
            }
            for (int j = 0; j < count + 16; j++)
            {
                float value = j >= count ? Sentinel : j % 2 == 0 ? even[j / 2] : odd[j / 2];
                float expected = j < count && withBias ? value + bias : value;
                Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(row[j]));
            }
        }
    }

    [SkippableVectorFact]
    public void InputAdjointAdd_TileRowsOfAnyWidth_EqualsTermByTermTwin()
    {
        var random = new Random(20261208);
        foreach ((int tilesY, int tilesX) in new[] { (1, 1), (2, 2), (4, 4), (7, 7), (3, 8), (2, 13), (2, 17) })
        {
            int half = (tilesX + 7) / 8 * 8 + 8, rowStride = 2 * half, columns = tilesY * tilesX + 8, xiStride = columns + 16;
            float[] dv = Random(random, 16 * xiStride);
            float[] plane = new float[(2 * tilesY + 2) * rowStride + 8], twin = new float[plane.Length];
            fixed (float* src = dv) fixed (float* p = plane)
                for (int ty = 0; ty < tilesY; ty++)
                    for (int tx0 = 0; tx0 < tilesX; tx0 += 8)
                        WinogradRows.InputAdjointAdd(src + ty * tilesX + tx0, xiStride, tilesX - tx0, p + 2 * ty * rowStride, half, tx0);
            for (int ty = 0; ty < tilesY; ty++)
                for (int tx0 = 0; tx0 < tilesX; tx0 += 8)
                    InputAdjointAddTwin(dv, ty * tilesX + tx0, xiStride, tilesX - tx0, twin, 2 * ty * rowStride, half, tx0);
            Assert.Equal(twin.Select(BitConverter.SingleToInt32Bits), plane.Select(BitConverter.SingleToInt32Bits));
        }
    }

    /// <summary>
    /// Whole-tile-row twin, one term at a time per cell in the order the vector routine promises: column j of w = B dV goes to
    /// padded row i's cells by Bᵀ's row j — 0: E[tx] += w, E[tx + 1] −= w; 1: O[tx] +=, E[tx + 1] +=; 2: O[tx] −=, E[tx + 1] +=;
    /// 3: O[tx] +=, O[tx + 1] −= — each a pass over the eight lanes, lanes ≥ valid contributing zero.
    /// </summary>
    private static void InputAdjointAddTwin(float[] dv, int src, int xiStride, int valid, float[] plane, int top, int half, int tx0)
    {
        int stride = 2 * half;
        for (int j = 0; j < 4; j++)
        {
            var w = new float[4, 8];
            for (int lane = 0; lane < 8; lane++)
            {
                float V(int r) => lane < valid ? dv[src + (4 * r + j) * xiStride + lane] : 0f;
                (w[0, lane], w[1, lane], w[2, lane], w[3, lane]) = (V(0), V(1) - V(2) + V(3), V(1) + V(2) - V(0), -V(3));
            }
            (int Offset, float Sign)[] targets = j switch
            {
                0 => [(0, 1f), (1, -1f)],
                1 => [(half, 1f), (1, 1f)],
                2 => [(half, -1f), (1, 1f)],
                _ => [(half, 1f), (half + 1, -1f)],
            };
            foreach ((int offset, float sign) in targets)
                for (int i = 0; i < 4; i++)
                    for (int lane = 0; lane < 8; lane++)
                    {
                        int cell = top + i * stride + tx0 + offset + lane;
                        plane[cell] = sign > 0 ? plane[cell] + w[i, lane] : plane[cell] - w[i, lane];
                    }
        }
    }

    private static float[] Random(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => (float)random.NextDouble() - 0.5f)];

    private static float[] Filled(int count) => Enumerable.Repeat(Sentinel, count).ToArray();

    /// <summary>The vector routine needs Vector256 in hardware; elsewhere the kernel takes the scalar transforms.</summary>
    private sealed class SkippableVectorFactAttribute : FactAttribute
    {
        public SkippableVectorFactAttribute()
        {
            if (!Vector256.IsHardwareAccelerated) Skip = "Vector256 is not hardware-accelerated on this CPU";
        }
    }
}
