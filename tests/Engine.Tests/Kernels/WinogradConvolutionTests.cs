using MlNetFashion.Engine.Kernels;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>What both Winograd kernels share: the reduction of the per-thread partials and the weight-transform cache.</summary>
public unsafe class WinogradConvolutionTests
{
    /// <summary>
    /// dW must be the transform of Σ_t dU[t] added in thread order (((dU[0] + dU[1]) + dU[2]) + …), whichever threads sum
    /// which elements: 13 · 41 pairs are two blocks and a ragged tail, and with three slices every element's order shows.
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void Backward_PerThreadPartials_SumsEachElementInThreadOrderBitForBit(int threads)
    {
        const int channels = 13, filters = 41, xi = 9;
        var kernel = new Partials(channels, filters, threads, xi);
        float[] dw = new float[9 * filters * channels], db = new float[filters];
        kernel.Backward(new float[threads * channels * 4], threads, new float[dw.Length], new float[threads * filters * 4], dw, db, []);

        int pairs = filters * channels;
        for (int p = 0; p < pairs; p++)
            for (int e = 0; e < xi; e++)
            {
                float sum = Partials.Value(0, e * pairs + p);
                for (int t = 1; t < threads; t++) sum += Partials.Value(t, e * pairs + p);
                Assert.Equal(BitConverter.SingleToInt32Bits(sum), BitConverter.SingleToInt32Bits(dw[9 * p + e]));
            }
        for (int f = 0; f < filters; f++)
        {
            float sum = Partials.Value(0, f);
            for (int t = 1; t < threads; t++) sum += Partials.Value(t, f);
            Assert.Equal(BitConverter.SingleToInt32Bits(sum), BitConverter.SingleToInt32Bits(db[f]));
        }
    }

    /// <summary>
    /// A Winograd convolution whose slices write seeded partials of mixed magnitudes (so that a different order of the sum
    /// gives different bits) and whose adjoint is the identity on the first nine ξ: dW[9p + ξ] = dU[ξ, p].
    /// </summary>
    private sealed class Partials(int channels, int filters, int threads, int xi)
        : WinogradConvolution(channels, filters, WinogradCase.For(2, 2).Rows, WinogradCase.For(2, 2).Cols, threads, xi)
    {
        public static float Value(int t, int i)
        {
            uint h = (uint)(t * 7919 + i) * 2654435761u;
            return (h % 2001 - 1000) * MathF.Pow(10, (int)(h >> 29) - 4) / 3f;
        }

        protected override void KernelTransform(float* g, float* u, int xiStride, int count)
        {
        }

        protected override void KernelTransformAdjoint(float* du, int xiStride, float* dg, int count)
        {
            for (int k = 0; k < count; k++)
                for (int e = 0; e < 9; e++) dg[9 * k + e] = du[e * xiStride + k];
        }

        protected override void ForwardSlice(int t, int count, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y,
            Span<float> sums)
        {
        }

        protected override void BackwardSlice(int t, int count, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
        {
            for (int i = 0; i < DU[t].Length; i++) DU[t][i] = Value(t, i);
            for (int f = 0; f < DB[t].Length; f++) DB[t][f] = Value(t, f);
        }
    }
}
