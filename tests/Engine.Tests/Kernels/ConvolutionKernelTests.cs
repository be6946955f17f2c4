using CsCheck;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>Im2Col/Col2Im and the blocked im2col+GEMM convolution against the direct definition, on random odd shapes.</summary>
public class ConvolutionKernelTests
{
    public sealed record Case(int Batch, int Channels, int Filters, Window Rows, Window Cols, bool Bias, int Seed)
    {
        public int InputSize => Batch * Channels * Rows.Input * Cols.Input;
        public int OutputSize => Batch * Filters * Rows.Output * Cols.Output;
        public int WeightSize => Filters * Channels * Rows.Kernel * Cols.Kernel;
    }

    // Square kernels and equal strides, as Conv2D builds them; odd sizes everywhere; batches past one chunk sometimes.
    private static readonly Gen<Case> Cases =
        Gen.Select(Gen.OneOf(Gen.Int[1, 5], Gen.Int[60, 90]), Gen.Int[1, 4], Gen.Int[1, 6], Gen.Int[1, 11], Gen.Int[1, 9], Gen.Int[1, 4],
            Gen.Int[1, 3])
            .Select(Gen.Int[0, 2], Gen.Bool, Gen.Int[0, 10_000], (t, mode, bias, seed) =>
            {
                (int batch, int channels, int filters, int h, int w, int k, int s) = t;
                var padding = mode == 1 ? Padding.Same : Padding.Valid;
                Window rows = Window.Create(Math.Max(h, k), k, s, padding, false, "rows");
                Window cols = Window.Create(Math.Max(w, k), k, s, padding, false, "cols");
                return new Case(batch, channels, filters, rows, cols, bias, seed);
            });

    [Fact]
    public void ForwardBackward_RandomShapes_MatchDirectConvolution()
    {
        foreach (Case c in KernelCases.Sample(Cases, count: 60, seed: 20261124)) Check(c);
    }

    /// <summary>Stride 1, F ≤ C, planes ≥ 8×8: the shapes whose input gradient goes through the transposed correlation.</summary>
    [Theory]
    [InlineData(3, Padding.Same, 9, 10)]
    [InlineData(2, Padding.Same, 8, 11)]
    [InlineData(3, Padding.Valid, 10, 11)]
    [InlineData(4, Padding.Same, 9, 9)]
    public void Backward_TransposedPath_MatchesDirectConvolution(int k, Padding padding, int h, int w)
    {
        Window rows = Window.Create(h, k, 1, padding, false, "rows"), cols = Window.Create(w, k, 1, padding, false, "cols");
        Check(new Case(Batch: 5, Channels: 4, Filters: 3, rows, cols, Bias: true, Seed: k * 100 + h));
        Check(new Case(Batch: 70, Channels: 2, Filters: 2, rows, cols, Bias: false, Seed: k * 100 + w));
    }

    private static void Check(Case c) =>
        ConvolutionCheck.AgainstReference(new ConvolutionKernel(c.Channels, c.Filters, c.Rows, c.Cols, Parallelism.Threads),
        c.Batch, c.Channels, c.Filters, c.Rows, c.Cols, c.Bias, c.Seed, c.ToString());

    [Fact]
    public void Backward_NoInputGradient_LeavesWeightGradientsUnchanged()
    {
        Window rows = Window.Create(7, 3, 1, Padding.Same, false, "rows"), cols = Window.Create(5, 3, 2, Padding.Same, false, "cols");
        ConvolutionCheck.WeightGradientWithoutInputGradient(new ConvolutionKernel(2, 3, rows, cols, Parallelism.Threads), 4, 2, 3, rows,
            cols);
    }

    [Fact]
    public void UnfoldFold_RandomWindows_MatchReferences()
    {
        var gen = Gen.Select(Gen.Int[1, 3], Gen.Int[1, 3], KernelCases.Axis, KernelCases.Axis, Gen.Int[0, 1000]);
        foreach ((int batch, int channels, Window rows, Window cols, int seed) in KernelCases.Sample(gen, count: 80, seed: 5))
        {
            float[] x = KernelCases.Random(batch * channels * rows.Input * cols.Input, seed);
            int colLength = channels * rows.Kernel * cols.Kernel * batch * rows.Output * cols.Output;
            float[] col = new float[colLength], expected = new float[colLength];
            Im2Col.Unfold(x, batch, channels, rows, cols, col);
            Im2Col.UnfoldReference(x, batch, channels, rows, cols, expected);
            Assert.Equal(expected, col);

            float[] back = new float[x.Length], expectedBack = new float[x.Length];
            Im2Col.Fold(col, batch, channels, rows, cols, back);
            Im2Col.FoldReference(col, batch, channels, rows, cols, expectedBack);
            KernelCases.AssertClose(expectedBack, back, $"fold {rows} {cols}");

            // The gather-table variant for small maps: same layout, same results.
            int[] table = Im2ColTable.Build(rows, cols);
            Array.Clear(col);
            Im2ColTable.Unfold(x, batch, channels, rows, cols, table, col);
            Assert.Equal(expected, col);
            Im2ColTable.Fold(col, batch, channels, rows, cols, table, back);
            KernelCases.AssertClose(expectedBack, back, $"table fold {rows} {cols}");
        }
    }
}
