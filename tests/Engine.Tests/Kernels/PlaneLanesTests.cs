using System.Runtime.Intrinsics.X86;
using MlNetFashion.Engine.Kernels;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>Eight planes to and from interleaved cells against the index definition.</summary>
public unsafe class PlaneLanesTests
{
    private const int Lanes = PlaneLanes.Lanes;
    private const float Sentinel = -12345f;

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

    private static float[] Random(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => (float)random.NextDouble() - 0.5f)];

    private static float[] Filled(int count) => Enumerable.Repeat(Sentinel, count).ToArray();

    /// <summary>The routines use AVX2 instructions; elsewhere the kernels take their other paths.</summary>
    private sealed class Avx2FactAttribute : FactAttribute
    {
        public Avx2FactAttribute()
        {
            if (!Avx2.IsSupported) Skip = "AVX2 is not supported on this CPU";
        }
    }
}
