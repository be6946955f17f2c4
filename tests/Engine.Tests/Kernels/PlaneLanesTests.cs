using MlNetFashion.Engine.Kernels;
using static MlNetFashion.Engine.Tests.Kernels.LaneBuffers;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>Eight planes to and from interleaved cells against the index definition.</summary>
public unsafe class PlaneLanesTests
{
    private const int Lanes = PlaneLanes.Lanes;

    [Avx2Fact]
    public void GatherScatter_AnyPlaneSize_InterleaveCellsByTableAndWriteNothingPastAPlane()
    {
        var random = new Random(20261210);
        foreach (int count in new[] { 1, 4, 7, 8, 9, 16, 49, 50 })
        {
            int planeStride = count + 3;
            int[] cellOf = [.. Enumerable.Range(0, count).Select(k => 2 * k + 1)];
            float[] planes = Random(random, Lanes * planeStride), cells = Filled((2 * count + 2) * Lanes);
            float[] back = Filled(Lanes * planeStride);
            float bias = 0.25f;
            fixed (float* pp = planes) fixed (float* pc = cells) fixed (float* pb = back) fixed (int* table = cellOf)
            {
                PlaneLanes.Gather(pp, planeStride, count, table, pc);
                PlaneLanes.Scatter(pc, table, count, addBias: true, bias, pb, planeStride);
            }
            for (int l = 0; l < Lanes; l++)
                for (int k = 0; k < planeStride; k++)
                {
                    Assert.Equal(k < count ? planes[l * planeStride + k] + bias : Sentinel, back[l * planeStride + k]);
                    if (k < count) Assert.Equal(planes[l * planeStride + k], cells[cellOf[k] * Lanes + l]);
                }
            for (int cell = 0; cell < 2 * count + 2; cell += 2)
                Assert.All(cells[(cell * Lanes)..((cell + 1) * Lanes)], v => Assert.Equal(Sentinel, v));
        }
    }
}
