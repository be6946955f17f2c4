using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>Max pooling of eight planes at once against the per-plane code.</summary>
public class MaxPoolLanesTests
{
    /// <summary>
    /// Eight planes per pass must give the bits of one plane at a time (a single plane takes the per-plane code): values and
    /// argmax, with ties, signed zeros, infinities and NaN among the cells, odd and even maps the lanes take.
    /// </summary>
    [Avx2Fact]
    public void Planes_SmallMaps_EqualPerPlanePoolingBitForBit()
    {
        var random = new Random(20261211);
        float[] specials = [0f, -0f, 1f, 1f, float.NegativeInfinity, float.PositiveInfinity, float.NaN];
        foreach ((int h, int w, Padding padding) in new[]
        {
            (4, 4, Padding.Same), (7, 7, Padding.Same), (8, 8, Padding.Same), (5, 7, Padding.Same), (1, 4, Padding.Same),
            (3, 5, Padding.Same), (8, 6, Padding.Same), (7, 7, Padding.Valid), (6, 5, Padding.Valid),
        })
        {
            Window rows = Window.Create(h, 2, 2, padding, false, "rows"), cols = Window.Create(w, 2, 2, padding, false, "cols");
            int planes = 8 * 3 + 5, inPlane = h * w, outPlane = rows.Output * cols.Output;
            Assert.True(MaxPoolLanes.Applies(rows, cols));
            float[] x = [.. Enumerable.Range(0, planes * inPlane)
                .Select(_ => random.Next(4) == 0 ? specials[random.Next(specials.Length)] : (float)random.Next(-3, 4))];
            float[] y = new float[planes * outPlane], expectedY = new float[y.Length];
            int[] argmax = new int[y.Length], expectedArgmax = new int[y.Length];
            PoolKernel.MaxForward(x, planes, rows, cols, y, argmax);
            for (int p = 0; p < planes; p++)
                PoolKernel.MaxForward(x.AsSpan(p * inPlane, inPlane), 1, rows, cols, expectedY.AsSpan(p * outPlane, outPlane),
                    expectedArgmax.AsSpan(p * outPlane, outPlane));
            Assert.Equal(expectedY.Select(BitConverter.SingleToInt32Bits), y.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(expectedArgmax, argmax);
        }
    }
}
