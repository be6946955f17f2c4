using CsCheck;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>Max and average pooling against their scalar twins on random windows (valid, Keras 'same', ceil_mode).</summary>
public class PoolKernelTests
{
    // Square windows as the layers build them; 2×2/2 often, since it has its own fast path.
    private static readonly Gen<(int Planes, Window Rows, Window Cols, bool Ties, int Seed)> Cases =
        Gen.Select(Gen.Int[1, 7], Gen.Int[1, 13], Gen.Int[1, 13], Gen.OneOf(Gen.Const((2, 2)), Gen.Select(Gen.Int[1, 4], Gen.Int[1, 3])),
            Gen.Int[0, 2])
            .Select(Gen.Bool, Gen.Int[0, 10_000], (t, ties, seed) =>
            {
                (int planes, int h, int w, (int k, int s), int mode) = t;
                var padding = mode == 1 ? Padding.Same : Padding.Valid;
                return (planes, Window.Create(Math.Max(h, k), k, s, padding, mode == 2, "rows"),
                    Window.Create(Math.Max(w, k), k, s, padding, mode == 2, "cols"), ties, seed);
            });

    private static float[] Input(int length, bool ties, int seed)
    {
        float[] x = KernelCases.Random(length, seed);
        // Few distinct values make ties common: the winner must be the first maximal cell, as in PyTorch.
        if (ties) for (int i = 0; i < x.Length; i++) x[i] = MathF.Round(x[i] * 2);
        return x;
    }

    [Fact]
    public void Max_RandomWindows_MatchesReference()
    {
        foreach ((int planes, Window rows, Window cols, bool ties, int seed) in KernelCases.Sample(Cases, count: 200, seed: 17))
            CheckMax(planes, rows, cols, ties, seed);
    }

    [Theory]
    [InlineData(28, 28)]  // the fast net's first pool: 14 windows a row, the second step overlapping the first
    [InlineData(16, 33)]  // exactly 8 windows, then an odd last column
    [InlineData(7, 40)]
    public void Max_TwoByTwoWideRows_MatchReference(int h, int w)
    {
        Window rows = Window.Create(h, 2, 2, Padding.Same, false, "rows"), cols = Window.Create(w, 2, 2, Padding.Same, false, "cols");
        foreach (bool ties in new[] { false, true }) CheckMax(planes: 3, rows, cols, ties, seed: h + w);
    }

    /// <summary>Values equal to the reference's; dx (so the argmax) equal to the first-maximal-cell reference's.</summary>
    private static void CheckMax(int planes, Window rows, Window cols, bool ties, int seed)
    {
        float[] x = Input(planes * rows.Input * cols.Input, ties, seed);
        int outputs = planes * rows.Output * cols.Output;
        float[] y = new float[outputs], expected = new float[outputs], dy = KernelCases.Random(outputs, seed + 1);
        var argmax = new int[outputs];
        PoolKernel.MaxForward(x, planes, rows, cols, y, argmax);
        PoolKernel.MaxReference(x, planes, rows, cols, expected);
        Assert.Equal(expected, y);

        float[] dx = new float[x.Length], expectedDx = new float[x.Length];
        PoolKernel.MaxBackward(dy, argmax, planes, rows, cols, dx);
        PoolKernel.MaxBackwardReference(x, dy, planes, rows, cols, expectedDx);
        KernelCases.AssertClose(expectedDx, dx, $"max dx {rows} {cols} ties {ties}");
    }

    [Avx2Theory]
    [InlineData(4, 8)]
    [InlineData(5, 11)]
    [InlineData(7, 14)]
    [InlineData(7, 15)]
    public unsafe void TwoByTwoRowNarrow_TiesSignedZerosAndNaN_SameBitsAsScalarRow(int fullCols, int w)
    {
        var random = new Random(fullCols * 100 + w);
        float[] special = [0f, -0f, float.NaN, 1f, -1f];
        for (int trial = 0; trial < 200; trial++)
        {
            // Two input rows and the 16-float reads past them.
            float[] x = [.. Enumerable.Range(0, w + 16).Select(_ => special[random.Next(special.Length)])];
            float[] y = new float[8], expectedY = new float[8];
            int[] arg = new int[8], expectedArg = new int[8];
            Array.Fill(y, LaneBuffers.Sentinel);
            Array.Fill(expectedY, LaneBuffers.Sentinel);
            fixed (float* px = x, py = y, pe = expectedY) fixed (int* pa = arg, pea = expectedArg)
            {
                PoolKernel.TwoByTwoRowNarrow(px, px + w, py, pa, fullCols, w, 28);
                PoolKernel.TwoByTwoRowScalar(px, px + w, pe, pea, fullCols, w, 28);
            }
            Assert.Equal(expectedY.Select(BitConverter.SingleToInt32Bits), y.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(expectedArg, arg);
        }
    }

    [Theory]
    [InlineData(28, 28)]
    [InlineData(16, 20)]
    [InlineData(14, 14)]
    [InlineData(15, 28)]
    [InlineData(10, 8)]
    [InlineData(6, 10)]
    public void MaxBackward_TwoByTwoTiles_SameBitsAsScatter(int h, int w)
    {
        const int planes = 5;
        Window rows = Window.Create(h, 2, 2, Padding.Valid, false, "rows"), cols = Window.Create(w, 2, 2, Padding.Valid, false, "cols");
        float[] x = Input(planes * h * w, ties: true, seed: h + w), y = new float[planes * rows.Output * cols.Output];
        int[] argmax = new int[y.Length];
        PoolKernel.MaxForward(x, planes, rows, cols, y, argmax);
        float[] dy = KernelCases.Random(y.Length, h * w);
        for (int i = 0; i < dy.Length; i += 7) dy[i] = i % 2 == 0 ? -0f : float.NaN;
        float[] expected = new float[x.Length], dx = [.. Enumerable.Repeat(LaneBuffers.Sentinel, x.Length)];
        int inPlane = h * w, outPlane = rows.Output * cols.Output;
        for (int p = 0; p < planes; p++)
            for (int o = 0; o < outPlane; o++) expected[p * inPlane + argmax[p * outPlane + o]] += dy[p * outPlane + o];
        PoolKernel.MaxBackward(dy, argmax, planes, rows, cols, dx);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), dx.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Average_RandomWindows_MatchesReference()
    {
        foreach ((int planes, Window rows, Window cols, _, int seed) in KernelCases.Sample(Cases, count: 200, seed: 23))
        {
            float[] x = KernelCases.Random(planes * rows.Input * cols.Input, seed);
            int outputs = planes * rows.Output * cols.Output;
            float[] y = new float[outputs], expected = new float[outputs], dy = KernelCases.Random(outputs, seed + 1);
            PoolKernel.AverageForward(x, planes, rows, cols, y);
            PoolKernel.AverageReference(x, planes, rows, cols, expected);
            KernelCases.AssertClose(expected, y, $"avg y {rows} {cols}");

            float[] dx = new float[x.Length], expectedDx = new float[x.Length];
            PoolKernel.AverageBackward(dy, planes, rows, cols, dx);
            PoolKernel.AverageBackwardReference(dy, planes, rows, cols, expectedDx);
            KernelCases.AssertClose(expectedDx, dx, $"avg dx {rows} {cols}");
        }
    }
}
