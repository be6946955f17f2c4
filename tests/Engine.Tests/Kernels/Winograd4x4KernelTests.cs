using CsCheck;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>Winograd F(4×4, 3×3) against the direct definition, and its lane transforms against the plain per-tile ones.</summary>
public class Winograd4x4KernelTests
{
    private static readonly Gen<WinogradCase> Cases = WinogradCase.Random(Gen.OneOf(Gen.Int[1, 9], Gen.Int[20, 70]));

    [Fact]
    public void ForwardBackward_RandomShapes_MatchDirectConvolution()
    {
        foreach (WinogradCase c in KernelCases.Sample(Cases, count: 60, seed: 20261203)) Check(c);
    }

    [Theory]
    [InlineData(3, 32, 64, 14, 14)]
    [InlineData(70, 16, 8, 7, 7)]     // past one chunk of 64 images, the last group of eight partial
    [InlineData(2, 1, 1, 1, 1)]
    [InlineData(9, 3, 2, 28, 21)]
    public void ForwardBackward_NetworkShapes_MatchDirectConvolution(int batch, int channels, int filters, int h, int w)
        => Check(new WinogradCase(batch, channels, filters, h, w, Bias: true, Seed: batch + h));

    [Fact]
    public void Backward_NoInputGradient_GivesTheSameWeightGradients()
    {
        (Window rows, Window cols) = WinogradCase.For(9, 6);
        ConvolutionCheck.WeightGradientWithoutInputGradient(new Winograd4x4Kernel(3, 4, rows, cols, Parallelism.Threads), 5, 3, 4, rows,
            cols);
    }

    [Fact]
    public void Forward_WeightsChangedInPlace_UsesTheNewWeights()
    {
        (Window rows, Window cols) = WinogradCase.For(6, 5);
        ConvolutionCheck.WeightsChangedInPlace(new Winograd4x4Kernel(3, 4, rows, cols, Parallelism.Threads), rows, cols);
    }

    [Fact]
    public unsafe void LaneTransforms_EachLane_MatchThePerTileTransforms()
    {
        const int lanes = Winograd4x4Lanes.Lanes, stride = 7, xiStride = 11 * lanes;   // a 6×7-cell plane; ξ planes 88 floats apart
        float[] plane = KernelCases.Random(6 * stride * lanes, 5), transformed = KernelCases.Random(36 * xiStride, 6);
        float[] outputs = new float[6 * stride * lanes], accumulated = (float[])plane.Clone(), values = new float[36 * xiStride];
        fixed (float* p = plane) fixed (float* v = values) fixed (float* t = transformed) fixed (float* o = outputs)
        fixed (float* a = accumulated)
        {
            Winograd4x4Lanes.Input(p, stride, v, xiStride);
            Winograd4x4Lanes.Output(t, xiStride, o, stride);
            Winograd4x4Lanes.InputAdjointAdd(t, xiStride, a, stride);
        }
        for (int lane = 0; lane < lanes; lane++)
        {
            float[] tile = Gather(plane, 6, 6, lane), tileXi = new float[36], expected = new float[36];
            for (int xi = 0; xi < 36; xi++) tileXi[xi] = transformed[xi * xiStride + lane];
            Winograd4x4Transforms.Input(tile, expected);
            KernelCases.AssertClose(expected, [.. Enumerable.Range(0, 36).Select(xi => values[xi * xiStride + lane])], $"V, lane {lane}",
                1e-5);
            float[] y = new float[16];
            Winograd4x4Transforms.Output(tileXi, y);
            KernelCases.AssertClose(y, Gather(outputs, 4, 4, lane), $"Y, lane {lane}", 1e-5);
            float[] dd = new float[36];
            Winograd4x4Transforms.InputAdjoint(tileXi, dd);
            float[] added = Gather(accumulated, 6, 6, lane), before = Gather(plane, 6, 6, lane);
            KernelCases.AssertClose(dd, [.. added.Zip(before, (x, b) => x - b)], $"dd, lane {lane}", 1e-4);
        }

        float[] Gather(float[] cells, int rows, int cols, int lane) =>
            [.. Enumerable.Range(0, rows * cols).Select(i => cells[((i / cols) * stride + i % cols) * lanes + lane])];
    }

    [Fact]
    public unsafe void LaneKernelTransforms_EachLane_MatchThePerKernelTransforms()
    {
        const int lanes = Winograd4x4Lanes.Lanes, xiStride = 3 * lanes + 5;   // ξ planes 29 floats apart, as U's are F·C apart
        float[] kernels = KernelCases.Random(9 * lanes, 11), du = KernelCases.Random(36 * xiStride, 12);
        float[] u = new float[36 * xiStride], dg = new float[9 * lanes], expectedU = new float[36 * xiStride],
            expectedDg = new float[9 * lanes];
        fixed (float* g = kernels) fixed (float* pu = u) fixed (float* pdu = du) fixed (float* pdg = dg)
        fixed (float* eu = expectedU) fixed (float* edg = expectedDg)
        {
            Winograd4x4Lanes.Kernel(g, pu, xiStride);
            Winograd4x4Lanes.KernelAdjoint(pdu, xiStride, pdg);
            for (int k = 0; k < lanes; k++)
            {
                Winograd4x4Transforms.Kernel(g + 9 * k, eu + k, xiStride);
                Winograd4x4Transforms.KernelAdjoint(pdu + k, xiStride, edg + 9 * k);
            }
        }
        for (int k = 0; k < lanes; k++)
            KernelCases.AssertClose([.. Enumerable.Range(0, 36).Select(xi => expectedU[xi * xiStride + k])],
                [.. Enumerable.Range(0, 36).Select(xi => u[xi * xiStride + k])], $"U, lane {k}", 1e-6);
        KernelCases.AssertClose(expectedDg, dg, "dg", 1e-5);
    }

    [Fact]
    public void PerTileTransforms_AreAdjointPairs()
    {
        // ⟨Bᵀ d B, v⟩ = ⟨d, B v Bᵀ⟩ and ⟨Aᵀ m A, y⟩ = ⟨m, A y Aᵀ⟩:
        // the backward maps are the forward maps' transposes.
        float[] d = KernelCases.Random(36, 7), v = KernelCases.Random(36, 8), m = KernelCases.Random(36, 9), y = KernelCases.Random(16, 10);
        float[] bd = new float[36], bv = new float[36], am = new float[16], ay = new float[36];
        Winograd4x4Transforms.Input(d, bd);
        Winograd4x4Transforms.InputAdjoint(v, bv);
        Winograd4x4Transforms.Output(m, am);
        Winograd4x4Transforms.OutputAdjoint(y, ay);
        Assert.Equal(Dot(bd, v), Dot(d, bv), 3);
        Assert.Equal(Dot(am, y), Dot(m, ay), 3);

        static double Dot(float[] a, float[] b) => a.Zip(b, (x, z) => (double)x * z).Sum();
    }

    [Fact]
    public void Selection_Winograd4x4_TakesTheAutoRuleWithF4x4()
    {
        const ConvolutionAlgorithm.Choice f4 = ConvolutionAlgorithm.Choice.Winograd4x4;
        (Window rows, Window cols) = WinogradCase.For(14, 14);
        Assert.IsType<Winograd4x4Kernel>(ConvolutionAlgorithm.Create(32, 64, rows, cols, 1, f4));
        Assert.IsNotType<Winograd4x4Kernel>(ConvolutionAlgorithm.Create(1, 32, rows, cols, 1, f4));   // too shallow, as in auto
        Window strided = Window.Create(14, 3, 2, Padding.Same, false, "rows");
        Assert.IsType<ConvolutionKernel>(ConvolutionAlgorithm.Create(32, 64, strided, strided, 1, f4));
        Assert.Equal(f4, ConvolutionAlgorithm.Parse("Winograd4x4"));
    }

    private static void Check(WinogradCase c) =>
        c.Check(new Winograd4x4Kernel(c.Channels, c.Filters, c.Windows.Rows, c.Windows.Cols, Parallelism.Threads));
}
