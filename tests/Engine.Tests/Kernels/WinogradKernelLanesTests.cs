using MlNetFashion.Engine.Kernels;
using static MlNetFashion.Engine.Tests.Kernels.LaneBuffers;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>The F(2×2) kernel transforms on eight kernels at once against the per-kernel transforms, bit for bit.</summary>
public unsafe class WinogradKernelLanesTests
{
    private const int Lanes = WinogradKernelLanes.Lanes, Xi = 16;

    [Fact]
    public void Kernel_EachLane_EqualsThePerKernelTransformBitForBit()
    {
        var random = new Random(20261206);
        const int xiStride = 3 * Lanes + 5;   // ξ planes 29 floats apart, as U's are F·C apart
        float[] g = Random(random, 9 * Lanes), u = Filled(Xi * xiStride), expected = Filled(Xi * xiStride);
        fixed (float* pg = g) fixed (float* pu = u) fixed (float* pe = expected)
        {
            WinogradKernelLanes.Kernel(pg, pu, xiStride);
            for (int k = 0; k < Lanes; k++) WinogradTransforms.Kernel(pg + 9 * k, pe + k, xiStride);
        }
        Assert.Equal(Bits(expected), Bits(u));
        Assert.Equal(Xi * Lanes, u.Count(v => v != Sentinel));
    }

    [Fact]
    public void KernelAdjoint_EachLane_EqualsThePerKernelAdjointBitForBit()
    {
        var random = new Random(20261207);
        const int xiStride = 2 * Lanes + 3;
        float[] du = Random(random, Xi * xiStride), dg = Filled(9 * Lanes + 4), expected = Filled(9 * Lanes + 4);
        fixed (float* pdu = du) fixed (float* pdg = dg) fixed (float* pe = expected)
        {
            WinogradKernelLanes.KernelAdjoint(pdu, xiStride, pdg);
            for (int k = 0; k < Lanes; k++) WinogradTransforms.KernelAdjoint(pdu + k, xiStride, pe + 9 * k);
        }
        Assert.Equal(Bits(expected), Bits(dg));
        Assert.All(dg[(9 * Lanes)..], v => Assert.Equal(Sentinel, v));
    }

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];
}
