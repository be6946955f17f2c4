using MlNetFashion.Engine.Kernels;
using static MlNetFashion.Engine.Tests.Kernels.LaneBuffers;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>The F(2×2) image-lanes path's moves to and from the GEMM columns against their index definitions.</summary>
public unsafe class WinogradImageLanesTests
{
    private const int Lanes = WinogradImageLanes.Lanes;

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
}
