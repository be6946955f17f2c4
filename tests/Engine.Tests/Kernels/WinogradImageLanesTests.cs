using System.Runtime.Intrinsics.X86;
using MlNetFashion.Engine.Kernels;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>The F(2×2) image-lanes path's moves to and from the GEMM columns against their index definitions.</summary>
public unsafe class WinogradImageLanesTests
{
    private const int Lanes = WinogradImageLanes.Lanes;
    private const float Sentinel = -12345f;

    [Avx2Fact]
    public void ToColumnsFromColumns_AnyTileCount_MoveEachValueToItsColumnAndBack()
    {
        var random = new Random(20261209);
        for (int tiles = 1; tiles <= 20; tiles++)
        {
            float[] s = Random(random, tiles * Lanes), columns = Filled(tiles * Lanes + 16), back = Filled(tiles * Lanes + 16);
            fixed (float* ps = s) fixed (float* pc = columns) fixed (float* pb = back)
            {
                WinogradImageLanes.ToColumns(ps, tiles, pc);
                WinogradImageLanes.FromColumns(pc, tiles, pb);
            }
            for (int l = 0; l < Lanes; l++)
                for (int p = 0; p < tiles; p++) Assert.Equal(s[p * Lanes + l], columns[l * tiles + p]);
            Assert.All(columns[(tiles * Lanes)..], v => Assert.Equal(Sentinel, v));
            Assert.Equal(s, back[..(tiles * Lanes)]);
            Assert.All(back[(tiles * Lanes)..], v => Assert.Equal(Sentinel, v));
        }
    }

    private static float[] Random(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => (float)random.NextDouble() - 0.5f)];

    private static float[] Filled(int count) => Enumerable.Repeat(Sentinel, count).ToArray();

    /// <summary>The routines use AVX2 instructions; elsewhere the kernel takes the other paths.</summary>
    private sealed class Avx2FactAttribute : FactAttribute
    {
        public Avx2FactAttribute()
        {
            if (!Avx2.IsSupported) Skip = "AVX2 is not supported on this CPU";
        }
    }
}
