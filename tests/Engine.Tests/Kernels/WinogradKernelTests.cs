using CsCheck;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>Winograd F(2×2, 3×3) against the direct definition: odd and even maps, tiny maps, batches past one chunk.</summary>
public class WinogradKernelTests
{
    private static readonly Gen<WinogradCase> Cases = WinogradCase.Random(Gen.OneOf(Gen.Int[1, 5], Gen.Int[20, 40]));

    [Fact]
    public void ForwardBackward_RandomShapes_MatchDirectConvolution()
    {
        foreach (WinogradCase c in KernelCases.Sample(Cases, count: 60, seed: 20261201)) Check(c);
    }

    [Fact]
    public void ForwardBackward_ScalarTransforms_MatchDirectConvolution()
    {
        foreach (WinogradCase c in KernelCases.Sample(Cases, count: 30, seed: 20261202)) Check(c, vector: false);
    }

    [Theory]
    [InlineData(3, 32, 64, 14, 14)]   // the fast net's 14² and 7² layers, a full chunk and then some
    [InlineData(70, 16, 8, 7, 7)]
    [InlineData(2, 1, 1, 1, 1)]
    [InlineData(2, 3, 2, 28, 21)]    // two vectors of tiles per row, the second partial
    public void ForwardBackward_NetworkShapes_MatchDirectConvolution(int batch, int channels, int filters, int h, int w)
        => Check(new WinogradCase(batch, channels, filters, h, w, Bias: true, Seed: batch + h));

    /// <summary>The AVX2 lane layouts a map's width selects.</summary>
    public enum LanePath
    {
        /// <summary>Eight images per vector (maps ≤ 4 wide), in place of tile rows per vector.</summary>
        ImageLanes,

        /// <summary>
        /// Two tile rows per vector (maps four tiles wide: 7 or 8 cells), in place of one; an odd count of tile rows leaves
        /// the last one to the single-row code.
        /// </summary>
        TileRowPairs,
    }

    /// <summary>
    /// Shapes (batch, channels, filters, h, w) per lane layout: batches with and without a remainder of eight, odd and even maps,
    /// one and several chunks.
    /// </summary>
    private static readonly Dictionary<LanePath, (int, int, int, int, int)[]> LaneShapes = new()
    {
        [LanePath.ImageLanes] =
        [
            (19, 8, 5, 4, 4), (70, 6, 9, 4, 4), (300, 4, 3, 2, 2), (11, 3, 4, 3, 4), (9, 2, 3, 1, 1), (24, 5, 6, 6, 3), (8, 3, 2, 5, 2),
            (17, 4, 4, 2, 1),
        ],
        [LanePath.TileRowPairs] = [(19, 8, 5, 7, 7), (40, 6, 9, 8, 8), (11, 3, 4, 7, 8), (9, 5, 3, 5, 7), (6, 4, 6, 4, 7)],
    };

    public static TheoryData<LanePath, int, int, int, int, int> LaneCases()
    {
        var cases = new TheoryData<LanePath, int, int, int, int, int>();
        foreach ((LanePath path, (int, int, int, int, int)[] shapes) in LaneShapes)
            foreach ((int batch, int channels, int filters, int h, int w) in shapes) cases.Add(path, batch, channels, filters, h, w);
        return cases;
    }

    /// <summary>
    /// Each lane layout must give the bits of the kernel with that layout turned off (y, dW, db and dx, with and without bias):
    /// trained weights depend on every float.
    /// </summary>
    [Avx2Theory]
    [MemberData(nameof(LaneCases))]
    public void ForwardBackward_LanePath_EqualsTheKernelWithoutItBitForBit(LanePath path, int batch, int channels, int filters, int h,
        int w) => AssertSameBits(path, batch, channels, filters, h, w);

    [Fact]
    public void Backward_NoInputGradient_GivesTheSameWeightGradients()
    {
        (Window rows, Window cols) = WinogradCase.For(9, 6);
        ConvolutionCheck.WeightGradientWithoutInputGradient(new WinogradKernel(3, 4, rows, cols, Parallelism.Threads), 5, 3, 4, rows, cols);
    }

    [Fact]
    public void Forward_WeightsChangedInPlace_UsesTheNewWeights()
    {
        (Window rows, Window cols) = WinogradCase.For(6, 5);
        ConvolutionCheck.WeightsChangedInPlace(new WinogradKernel(3, 4, rows, cols, Parallelism.Threads), rows, cols);
    }

    [Fact]
    public void Selection_Auto_PicksWinogradOnlyFor3x3Stride1Pad1WithEnoughChannels()
    {
        const ConvolutionAlgorithm.Choice auto = ConvolutionAlgorithm.Choice.Auto;
        (Window rows, Window cols) = WinogradCase.For(14, 14);
        Assert.IsType<WinogradKernel>(ConvolutionAlgorithm.Create(32, 64, rows, cols, 1, auto));
        Assert.IsNotType<WinogradKernel>(ConvolutionAlgorithm.Create(1, 32, rows, cols, 1, auto));
        Window strided = Window.Create(14, 3, 2, Padding.Same, false, "rows"),
            valid = Window.Create(14, 3, 1, Padding.Valid, false, "rows");
        Assert.IsType<ConvolutionKernel>(ConvolutionAlgorithm.Create(32, 64, strided, strided, 1, auto));
        Assert.IsType<ConvolutionKernel>(ConvolutionAlgorithm.Create(32, 64, valid, valid, 1, auto));
        Assert.Throws<ArgumentException>(() => new WinogradKernel(32, 64, valid, valid, 1));
    }

    [Fact]
    public void Selection_Overrides_ForceEitherKernelWhereWinogradApplies()
    {
        (Window rows, Window cols) = WinogradCase.For(14, 14);
        Assert.IsType<ConvolutionKernel>(ConvolutionAlgorithm.Create(32, 64, rows, cols, 1, ConvolutionAlgorithm.Choice.Im2Col));
        Assert.IsType<WinogradKernel>(ConvolutionAlgorithm.Create(1, 32, rows, cols, 1, ConvolutionAlgorithm.Choice.Winograd));
        Window strided = Window.Create(14, 3, 2, Padding.Same, false, "rows");
        Assert.IsType<ConvolutionKernel>(ConvolutionAlgorithm.Create(32, 64, strided, strided, 1, ConvolutionAlgorithm.Choice.Winograd));
        Assert.Equal(ConvolutionAlgorithm.Choice.Im2Col, ConvolutionAlgorithm.Parse(" IM2COL "));
        Assert.Throws<InvalidOperationException>(() => ConvolutionAlgorithm.Parse("fft"));
    }

    /// <summary>y, dW, db and dx of the default kernel against one with <paramref name="path"/> turned off.</summary>
    private static void AssertSameBits(LanePath path, int batch, int channels, int filters, int h, int w)
    {
        (Window rows, Window cols) = WinogradCase.For(h, w);
        int threads = Parallelism.Threads, plane = h * w;
        var kernel = new WinogradKernel(channels, filters, rows, cols, threads, vector: true);
        var twin = new WinogradKernel(channels, filters, rows, cols, threads, vector: true, imageLanes: path != LanePath.ImageLanes,
            tilePairs: path != LanePath.TileRowPairs);
        float[] x = KernelCases.Random(batch * channels * plane, batch + h), weights = KernelCases.Random(filters * channels * 9, 2);
        float[] bias = KernelCases.Random(filters, 3), dy = KernelCases.Random(batch * filters * plane, 4);
        foreach (float[] b in new[] { bias, [] })
        {
            (float[] Y, float[] DW, float[] DB, float[] DX) expected = Run(twin, b), actual = Run(kernel, b);
            Assert.Equal(Bits(expected.Y), Bits(actual.Y));
            Assert.Equal(Bits(expected.DW), Bits(actual.DW));
            Assert.Equal(Bits(expected.DB), Bits(actual.DB));
            Assert.Equal(Bits(expected.DX), Bits(actual.DX));
        }

        (float[], float[], float[], float[]) Run(WinogradKernel k, float[] b)
        {
            float[] y = new float[dy.Length], dw = new float[weights.Length], db = new float[filters], dx = new float[x.Length];
            k.Forward(x, batch, weights, b, y);
            k.Backward(x, batch, weights, dy, dw, db, dx);
            return (y, dw, db, dx);
        }

        static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];
    }

    private static void Check(WinogradCase c, bool vector = true) =>
        c.Check(new WinogradKernel(c.Channels, c.Filters, c.Windows.Rows, c.Windows.Cols, Parallelism.Threads,
            vector && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated));
}
