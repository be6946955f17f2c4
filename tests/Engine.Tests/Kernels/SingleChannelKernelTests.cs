using CsCheck;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>
/// The direct one-channel convolution against the direct definition: kernels 1–5, same and valid, maps from 1×1 to 30×30.
/// </summary>
public class SingleChannelKernelTests
{
    public sealed record Case(int Batch, int Filters, int Height, int Width, int Kernel, bool Same, bool Bias, int Seed);

    private static readonly Gen<Case> Cases =
        Gen.Select(Gen.OneOf(Gen.Int[1, 5], Gen.Int[20, 40]), Gen.Int[1, 9], Gen.Int[1, 30], Gen.Int[1, 30], Gen.Int[1, 5], Gen.Bool,
            Gen.Bool, Gen.Int[0, 10_000])
            .Select(t =>
                new Case(t.Item1, t.Item2, Math.Max(t.Item3, t.Item5), Math.Max(t.Item4, t.Item5), t.Item5, t.Item6, t.Item7, t.Item8));

    [Fact]
    public void ForwardBackward_RandomShapes_MatchDirectConvolution()
    {
        foreach (Case c in KernelCases.Sample(Cases, count: 80, seed: 20261203)) Check(c);
    }

    [Theory]
    [InlineData(3, 32, 28, 28, 3, true)]   // the first layer of fast, best, seed001 and seed004
    [InlineData(2, 32, 28, 28, 2, false)]  // seed000
    [InlineData(2, 32, 28, 28, 3, false)]  // seed002, seed003
    [InlineData(1, 1, 1, 1, 1, true)]
    public void ForwardBackward_PresetShapes_MatchDirectConvolution(int batch, int filters, int h, int w, int kernel, bool same)
    {
        Check(new Case(batch, filters, h, w, kernel, same, Bias: true, Seed: batch + h + kernel));
    }

    [Theory]
    [InlineData(3, 32, 28, 28, 3, true)]
    [InlineData(2, 7, 13, 30, 5, false)]
    [InlineData(4, 5, 9, 6, 2, true)]
    public void ForwardBackward_WideLoops_SameBitsAsNarrowLoops(int batch, int filters, int h, int w, int kernel, bool same)
    {
        (Window rows, Window cols) = Windows(new Case(batch, filters, h, w, kernel, same, true, 0));
        var wide = new SingleChannelKernel(filters, rows, cols, Parallelism.Threads, wide: true);
        var narrow = new SingleChannelKernel(filters, rows, cols, Parallelism.Threads, wide: false);
        float[] x = KernelCases.Random(batch * h * w, 1), weights = KernelCases.Random(filters * kernel * kernel, 2);
        float[] bias = KernelCases.Random(filters, 3), dy = KernelCases.Random(batch * filters * rows.Output * cols.Output, 4);
        float[] y1 = new float[dy.Length], y2 = new float[dy.Length];
        wide.Forward(x, batch, weights, bias, y1);
        narrow.Forward(x, batch, weights, bias, y2);
        Assert.Equal(Bits(y2), Bits(y1));
        float[] dw1 = new float[weights.Length], dw2 = new float[weights.Length], db1 = new float[filters], db2 = new float[filters];
        wide.Backward(x, batch, weights, dy, dw1, db1, default);
        narrow.Backward(x, batch, weights, dy, dw2, db2, default);
        Assert.Equal(Bits(dw2), Bits(dw1));
        Assert.Equal(Bits(db2), Bits(db1));
    }

    [Fact]
    public void Forward_ReluOutput_SameBitsAsReluAfterward()
    {
        (Window rows, Window cols) = Windows(new Case(3, 5, 28, 28, 3, true, true, 0));
        var plain = new SingleChannelKernel(5, rows, cols, Parallelism.Threads);
        var fused = new SingleChannelKernel(5, rows, cols, Parallelism.Threads) { ReluOutput = true };
        float[] x = KernelCases.Random(3 * 784, 5), weights = KernelCases.Random(45, 6), bias = KernelCases.Random(5, 7);
        float[] expected = new float[3 * 5 * 784], y = new float[expected.Length];
        plain.Forward(x, 3, weights, bias, expected);
        Activations.Relu(expected, expected);
        fused.Forward(x, 3, weights, bias, y);
        Assert.Equal(Bits(expected), Bits(y));
        Assert.Contains(y, v => v == 0f);
    }

    [Theory]
    [InlineData(false, 3)]
    [InlineData(true, 4)]
    public void Forward_PlaneSums_SameOutputAndSumAndDotOfEachPlane(bool relu, int batch)
    {
        const int filters = 5;
        (Window rows, Window cols) = Windows(new Case(batch, filters, 28, 28, 3, true, true, 0));
        var plain = new SingleChannelKernel(filters, rows, cols, Parallelism.Threads) { ReluOutput = relu };
        var summing = new SingleChannelKernel(filters, rows, cols, Parallelism.Threads) { ReluOutput = relu };
        float[] x = KernelCases.Random(batch * 784, 11), weights = KernelCases.Random(filters * 9, 12);
        float[] bias = KernelCases.Random(filters, 13);
        float[] expected = new float[batch * filters * 784], y = new float[expected.Length], sums = new float[2 * batch * filters];
        plain.Forward(x, batch, weights, bias, expected);
        summing.Forward(x, batch, weights, bias, y, sums);

        Assert.Equal(Bits(expected), Bits(y));
        float[] expectedSums = new float[sums.Length];
        for (int plane = 0; plane < batch * filters; plane++)
        {
            ReadOnlySpan<float> values = expected.AsSpan(plane * 784, 784);
            (expectedSums[2 * plane], expectedSums[2 * plane + 1]) = FusedPasses.SumAndDot(values, values);
        }
        Assert.Equal(Bits(expectedSums), Bits(sums));
        Assert.DoesNotContain(sums, v => v == 0f);
    }

    [Fact]
    public void Forward_PlaneSumsTooShort_Throws()
    {
        (Window rows, Window cols) = Windows(new Case(2, 3, 8, 8, 3, true, true, 0));
        var kernel = new SingleChannelKernel(3, rows, cols, 1);
        var e = Assert.Throws<ArgumentException>(() => kernel.Forward(new float[128], 2, new float[27], new float[3], new float[384],
            new float[11]));
        Assert.Contains("12 plane sums", e.Message);
    }

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    [Fact]
    public void Backward_NoInputGradient_GivesTheSameWeightGradients()
    {
        (Window rows, Window cols) = Windows(new Case(5, 4, 11, 9, 3, true, true, 0));
        ConvolutionCheck.WeightGradientWithoutInputGradient(new SingleChannelKernel(4, rows, cols, Parallelism.Threads), 5, 1, 4, rows,
            cols);
    }

    [Fact]
    public void Selection_Auto_PicksTheDirectKernelOnlyForOneChannelAtStride1()
    {
        const ConvolutionAlgorithm.Choice auto = ConvolutionAlgorithm.Choice.Auto;
        Window same = Window.Create(28, 3, 1, Padding.Same, false, "rows"), strided = Window.Create(28, 3, 2, Padding.Same, false, "rows");
        // Without 256-bit SIMD its Vector256 loops would run in software: im2col is faster there.
        Assert.IsType(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? typeof(SingleChannelKernel) : typeof(ConvolutionKernel),
            ConvolutionAlgorithm.Create(1, 32, same, same, 1, auto));
        Assert.IsType<ConvolutionKernel>(ConvolutionAlgorithm.Create(1, 32, same, same, 1, ConvolutionAlgorithm.Choice.Im2Col));
        Assert.IsType<ConvolutionKernel>(ConvolutionAlgorithm.Create(1, 32, strided, strided, 1, auto));
        Assert.IsType<ConvolutionKernel>(ConvolutionAlgorithm.Create(2, 32, Window.Create(28, 2, 1, Padding.Valid, false, "rows"),
            Window.Create(28, 2, 1, Padding.Valid, false, "cols"), 1, auto));
        Assert.Throws<ArgumentException>(() => new SingleChannelKernel(32, strided, strided, 1));
    }

    private static (Window Rows, Window Cols) Windows(Case c)
    {
        Padding padding = c.Same ? Padding.Same : Padding.Valid;
        return (Window.Create(c.Height, c.Kernel, 1, padding, false, "rows"), Window.Create(c.Width, c.Kernel, 1, padding, false, "cols"));
    }

    private static void Check(Case c)
    {
        (Window rows, Window cols) = Windows(c);
        var kernel = new SingleChannelKernel(c.Filters, rows, cols, Parallelism.Threads);
        ConvolutionCheck.AgainstReference(kernel, c.Batch, 1, c.Filters, rows, cols, c.Bias, c.Seed, c.ToString());
    }
}
