using CsCheck;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>Winograd F(2×2, 3×3) against the direct definition: odd and even maps, tiny maps, batches past one chunk.</summary>
public class WinogradKernelTests
{
    public sealed record Case(int Batch, int Channels, int Filters, int Height, int Width, bool Bias, int Seed);

    private static readonly Gen<Case> Cases =
        Gen.Select(Gen.OneOf(Gen.Int[1, 5], Gen.Int[20, 40]), Gen.Int[1, 9], Gen.Int[1, 7], Gen.Int[1, 15], Gen.Int[1, 15], Gen.Bool, Gen.Int[0, 10_000])
            .Select(t => new Case(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6, t.Item7));

    [Fact]
    public void ForwardBackward_RandomShapes_MatchDirectConvolution()
    {
        foreach (Case c in KernelCases.Sample(Cases, count: 60, seed: 20261201)) Check(c);
    }

    [Fact]
    public void ForwardBackward_ScalarTransforms_MatchDirectConvolution()
    {
        foreach (Case c in KernelCases.Sample(Cases, count: 30, seed: 20261202)) Check(c, vector: false);
    }

    [Theory]
    [InlineData(3, 32, 64, 14, 14)]   // the fast net's 14² and 7² layers, a full chunk and then some
    [InlineData(70, 16, 8, 7, 7)]
    [InlineData(2, 1, 1, 1, 1)]
    [InlineData(2, 3, 2, 28, 21)]    // two vectors of tiles per row, the second partial
    public void ForwardBackward_NetworkShapes_MatchDirectConvolution(int batch, int channels, int filters, int h, int w)
        => Check(new Case(batch, channels, filters, h, w, Bias: true, Seed: batch + h));

    [Fact]
    public void Backward_NoInputGradient_GivesTheSameWeightGradients()
    {
        (Window rows, Window cols) = Windows(9, 6);
        ConvolutionCheck.WeightGradientWithoutInputGradient(new WinogradKernel(3, 4, rows, cols, Parallelism.Threads), 5, 3, 4, rows, cols);
    }

    [Fact]
    public void Forward_WeightsChangedInPlace_UsesTheNewWeights()
    {
        // The kernel keeps its transformed weights while the weights stay the same; an optimizer step changes them in place.
        (Window rows, Window cols) = Windows(6, 5);
        var kernel = new WinogradKernel(3, 4, rows, cols, Parallelism.Threads);
        float[] x = KernelCases.Random(2 * 3 * 30, 1), w = KernelCases.Random(4 * 3 * 9, 2), y = new float[2 * 4 * 30], expected = new float[y.Length];
        kernel.Forward(x, 2, w, [], y);
        w[17] += 0.5f;
        w[^1] = -0f;
        kernel.Forward(x, 2, w, [], y);
        ConvolutionReference.Forward(x, 2, 3, 4, rows, cols, w, [], expected);
        KernelCases.AssertClose(expected, y, "forward after an in-place change", 1e-4);
        float[] dw = new float[w.Length], dx = new float[x.Length], edw = new float[w.Length], edb = new float[4], edx = new float[x.Length];
        float[] dy = KernelCases.Random(y.Length, 3);
        w[0] -= 0.25f; // between forward and backward too
        kernel.Backward(x, 2, w, dy, dw, default, dx);
        ConvolutionReference.Backward(x, dy, 2, 3, 4, rows, cols, w, edw, edb, edx);
        KernelCases.AssertClose(edx, dx, "dx after an in-place change", 1e-4);
    }

    [Fact]
    public void Selection_Auto_PicksWinogradOnlyFor3x3Stride1Pad1WithEnoughChannels()
    {
        const ConvolutionAlgorithm.Choice auto = ConvolutionAlgorithm.Choice.Auto;
        (Window rows, Window cols) = Windows(14, 14);
        Assert.IsType<WinogradKernel>(ConvolutionAlgorithm.Create(32, 64, rows, cols, 1, auto));
        Assert.IsNotType<WinogradKernel>(ConvolutionAlgorithm.Create(1, 32, rows, cols, 1, auto));
        Window strided = Window.Create(14, 3, 2, Padding.Same, false, "rows"), valid = Window.Create(14, 3, 1, Padding.Valid, false, "rows");
        Assert.IsType<ConvolutionKernel>(ConvolutionAlgorithm.Create(32, 64, strided, strided, 1, auto));
        Assert.IsType<ConvolutionKernel>(ConvolutionAlgorithm.Create(32, 64, valid, valid, 1, auto));
        Assert.Throws<ArgumentException>(() => new WinogradKernel(32, 64, valid, valid, 1));
    }

    [Fact]
    public void Selection_Overrides_ForceEitherKernelWhereWinogradApplies()
    {
        (Window rows, Window cols) = Windows(14, 14);
        Assert.IsType<ConvolutionKernel>(ConvolutionAlgorithm.Create(32, 64, rows, cols, 1, ConvolutionAlgorithm.Choice.Im2Col));
        Assert.IsType<WinogradKernel>(ConvolutionAlgorithm.Create(1, 32, rows, cols, 1, ConvolutionAlgorithm.Choice.Winograd));
        Window strided = Window.Create(14, 3, 2, Padding.Same, false, "rows");
        Assert.IsType<ConvolutionKernel>(ConvolutionAlgorithm.Create(32, 64, strided, strided, 1, ConvolutionAlgorithm.Choice.Winograd));
        Assert.Equal(ConvolutionAlgorithm.Choice.Im2Col, ConvolutionAlgorithm.Parse(" IM2COL "));
        Assert.Throws<InvalidOperationException>(() => ConvolutionAlgorithm.Parse("fft"));
    }

    private static (Window Rows, Window Cols) Windows(int h, int w) =>
        (Window.Create(h, 3, 1, Padding.Same, false, "rows"), Window.Create(w, 3, 1, Padding.Same, false, "cols"));

    private static void Check(Case c, bool vector = true)
    {
        (Window rows, Window cols) = Windows(c.Height, c.Width);
        var kernel = new WinogradKernel(c.Channels, c.Filters, rows, cols, Parallelism.Threads, vector && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated);
        ConvolutionCheck.AgainstReference(kernel, c.Batch, c.Channels, c.Filters, rows, cols, c.Bias, c.Seed, c.ToString());
    }
}
