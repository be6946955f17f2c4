using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MlNetFashion.Engine.Layers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Direct convolution of a one-channel input (the first layer of every preset: pixels [N, 1, H, W]) with stride 1.
/// im2col + GEMM does badly here: the GEMM is only K = k·k = 9 deep, so it streams a col matrix nine times the size of
/// the image for a few FMAs per element. Instead each image is copied once into a zero-padded plane whose rows are
/// S floats apart (S a multiple of 8), and the output plane gets the same row stride, so output vector q (8 cells) reads
/// input vectors at q·8 + i·S + j for every tap (i, j): flat loops, no edge cases, the cells past a row's end computed
/// and dropped.
/// forward  y[f] = Σ_tap W[f, tap] · x_pad[shifted by tap] + b[f]
/// backward dW[f, tap] = Σ dy[f] · x_pad[shifted by tap];  db[f] = Σ dy[f];
///          dx = Σ_f Σ_tap W[f, flipped tap] · dy_pad[f][shifted by tap] (the correlation with the flipped kernel).
/// Each thread takes a fixed slice of the batch and keeps its own dW and db partials, summed in thread order.
/// The reference twin is <see cref="ConvolutionReference"/>. Without 256-bit SIMD the Vector256 code still runs
/// (in software), but <see cref="ConvolutionAlgorithm"/> then picks im2col + GEMM.
/// </summary>
public sealed unsafe class SingleChannelKernel : IConvolutionKernel
{
    private const int Lanes = 8;
    private readonly int _filters, _threads, _kh, _kw, _h, _w, _ho, _wo, _padTop, _padLeft, _stride;
    private readonly int _inputRows, _gradientRows; // rows of the padded x plane and of each padded dy plane
    private readonly int[] _offsets; // i·S + j per tap
    private readonly float[] _flipped; // W[f, kh−1−i, kw−1−j]
    private readonly float[][] _plane, _out, _dyPlanes, _dW, _dB;

    public SingleChannelKernel(int filters, Window rows, Window cols, int threads)
    {
        if (!Supports(1, rows, cols))
            throw new ArgumentException($"SingleChannelKernel: expected stride-1 windows padded by less than the kernel on each side. " +
                $"Received {rows} and {cols}.");
        (_filters, _threads) = (filters, threads);
        (_kh, _kw, _h, _w, _ho, _wo) = (rows.Kernel, cols.Kernel, rows.Input, cols.Input, rows.Output, cols.Output);
        (_padTop, _padLeft) = (rows.PadBefore, cols.PadBefore);
        // Wide enough for the padded input (W + pads) and for dy padded by k − 1 − pad on the left (dx's correlation).
        _stride = (_w + 2 * (_kw - 1) + Lanes - 1) / Lanes * Lanes;
        // One spare row: the last output vector's taps read up to kw − 1 cells past its row.
        _inputRows = _h + rows.PadBefore + rows.PadAfter + 1;
        _gradientRows = _h + _kh;
        _offsets = new int[_kh * _kw];
        for (int i = 0; i < _kh; i++)
            for (int j = 0; j < _kw; j++) _offsets[i * _kw + j] = i * _stride + j;
        _flipped = new float[filters * _kh * _kw];
        int outRows = Math.Max(_ho, _h);
        _plane = Buffers(threads, _inputRows * _stride);
        _out = Buffers(threads, 2 * outRows * _stride); // two filters' planes at a time in forward
        _dyPlanes = Buffers(threads, filters * _gradientRows * _stride);
        _dW = Buffers(threads, filters * _kh * _kw * Lanes);
        _dB = Buffers(threads, filters * Lanes);
    }

    private static float[][] Buffers(int count, int size) => [.. Enumerable.Range(0, count).Select(_ => new float[size])];

    /// <summary>One input channel, stride 1, padding below the kernel size (so dx is a plain correlation).</summary>
    public static bool Supports(int channels, Window rows, Window cols) => channels == 1 && Fits(rows) && Fits(cols);

    private static bool Fits(Window w) => w.Stride == 1 && w.PadBefore < w.Kernel && w.PadAfter < w.Kernel;

    public int Threads => _threads;

    public void Forward(ReadOnlySpan<float> x, int batch, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y)
    {
        CheckWeights(weights);
        fixed (float* px = x) fixed (float* pw = weights) fixed (float* pb = bias) fixed (float* py = y)
            Parallelism.For(Math.Min(_threads, batch), new Body(this, px, pw, bias.IsEmpty ? null : pb, py, null, batch, backward: false));
    }

    public void Backward(ReadOnlySpan<float> x, int batch, ReadOnlySpan<float> weights, ReadOnlySpan<float> dy,
        Span<float> dWeights, Span<float> dBias, Span<float> dx)
    {
        CheckWeights(weights);
        int threads = Math.Min(_threads, batch), taps = _kh * _kw;
        if (dWeights.Length < _filters * taps)
            throw new ArgumentException($"SingleChannelKernel: expected room for {_filters * taps} weight gradients. Received " +
                $"{dWeights.Length}.");
        if (!dx.IsEmpty)
        {
            for (int f = 0; f < _filters; f++)
                for (int t = 0; t < taps; t++) _flipped[f * taps + t] = weights[f * taps + taps - 1 - t];
        }
        fixed (float* px = x) fixed (float* pw = _flipped) fixed (float* pdy = dy) fixed (float* pdx = dx)
            Parallelism.For(threads, new Body(this, px, pw, null, dx.IsEmpty ? null : pdx, pdy, batch, backward: true));
        // Fixed-order reduction: threads in order, then each accumulator's eight lanes in order.
        Reduce(_dW, threads, dWeights.Slice(0, _filters * taps));
        if (!dBias.IsEmpty) Reduce(_dB, threads, dBias.Slice(0, _filters));
    }

    /// <summary>total[p] = Σ_lane Σ_thread partials[thread][p·8 + lane], threads in order, then lanes in order.</summary>
    private static void Reduce(float[][] partials, int threads, Span<float> total)
    {
        float[] sum = partials[0];
        for (int t = 1; t < threads; t++) TensorPrimitives.Add(sum, partials[t], sum);
        for (int p = 0; p < total.Length; p++)
        {
            float value = 0;
            for (int lane = 0; lane < Lanes; lane++) value += sum[p * Lanes + lane];
            total[p] = value;
        }
    }

    private void CheckWeights(ReadOnlySpan<float> weights)
    {
        if (weights.Length < _filters * _kh * _kw)
            throw new ArgumentException($"SingleChannelKernel: expected {_filters * _kh * _kw} weights. Received {weights.Length}.");
    }

    /// <summary>One thread's slice of the batch; <c>y</c> is the output in forward and dx (or null) in backward,
    /// w the flipped kernel there.</summary>
    private readonly struct Body(SingleChannelKernel k, float* x, float* w, float* bias, float* y, float* dy, int batch, bool backward)
        : IParallelRange
    {
        public void Execute(int start, int end)
        {
            int threads = Math.Min(k._threads, batch);
            for (int t = start; t < end; t++)
            {
                int first = (int)((long)batch * t / threads), last = (int)((long)batch * (t + 1) / threads);
                if (backward) k.BackwardSlice(t, first, last, x, w, dy, y);
                else k.ForwardSlice(t, first, last, x, w, bias, y);
            }
        }
    }

    private void ForwardSlice(int t, int first, int last, float* x, float* w, float* bias, float* y)
    {
        int taps = _kh * _kw, outPlane = _ho * _wo;
        fixed (float* plane = _plane[t]) fixed (float* output = _out[t]) fixed (int* offsets = _offsets)
        {
            for (int n = first; n < last; n++)
            {
                Pad(x + (long)n * _h * _w, plane);
                int f = 0;
                for (; f + 2 <= _filters; f += 2)
                {
                    float* second = output + _ho * _stride;
                    CorrelatePair(plane, w + f * taps, w + (f + 1) * taps, offsets, taps, _ho * _stride / Lanes, output, second);
                    Store(output, _ho, _wo, bias == null ? 0f : bias[f], y + ((long)n * _filters + f) * outPlane);
                    Store(second, _ho, _wo, bias == null ? 0f : bias[f + 1], y + ((long)n * _filters + f + 1) * outPlane);
                }
                if (f < _filters)
                {
                    Correlate(plane, 0, 1, w + f * taps, offsets, taps, _ho * _stride / Lanes, output);
                    Store(output, _ho, _wo, bias == null ? 0f : bias[f], y + ((long)n * _filters + f) * outPlane);
                }
            }
        }
    }

    private void BackwardSlice(int t, int first, int last, float* x, float* flipped, float* dy, float* dx)
    {
        int taps = _kh * _kw, outPlane = _ho * _wo, gradientPlane = _gradientRows * _stride;
        int shiftTop = _kh - 1 - _padTop, shiftLeft = _kw - 1 - _padLeft;
        Array.Clear(_dW[t]);
        Array.Clear(_dB[t]);
        fixed (float* plane = _plane[t]) fixed (float* output = _out[t]) fixed (float* dyPlanes = _dyPlanes[t])
        fixed (float* dW = _dW[t]) fixed (float* dB = _dB[t]) fixed (int* offsets = _offsets)
        {
            int vectors = _ho * _stride / Lanes;
            for (int n = first; n < last; n++)
            {
                Pad(x + (long)n * _h * _w, plane);
                for (int f = 0; f < _filters; f++)
                {
                    float* g = dy + ((long)n * _filters + f) * outPlane;
                    // dy[f] with dx's padding (k − 1 − pad before):
                    // its first pad-free cell at (kh − 1 − padTop, kw − 1 − padLeft).
                    // For dW the same plane is read from that cell on, where it lines up with the output grid (stride S).
                    float* padded = dyPlanes + (long)f * gradientPlane;
                    float* origin = padded + shiftTop * _stride + shiftLeft;
                    for (int r = 0; r < _ho; r++) CopyRow(g + r * _wo, origin + r * _stride, _wo, 0f);
                    WeightGradient(origin, plane, offsets, taps, vectors, dW + f * taps * Lanes, dB + f * Lanes);
                }
                if (dx == null) continue;
                Correlate(dyPlanes, gradientPlane, _filters, flipped, offsets, taps, _h * _stride / Lanes, output);
                Store(output, _h, _w, 0f, dx + (long)n * _h * _w);
            }
        }
    }

    /// <summary>Image [H, W] into the zero-padded plane at (padTop, padLeft); the pad cells are never written, so stay zero.</summary>
    private void Pad(float* image, float* plane)
    {
        float* origin = plane + _padTop * _stride + _padLeft;
        for (int r = 0; r < _h; r++) CopyRow(image + r * _w, origin + r * _stride, _w, 0f);
    }

    /// <summary>The valid [rows, cols] of a stride-S plane, plus a bias, into a dense plane.</summary>
    private void Store(float* output, int rows, int cols, float bias, float* destination)
    {
        for (int r = 0; r < rows; r++) CopyRow(output + r * _stride, destination + r * cols, cols, bias);
    }

    /// <summary>
    /// dst[0..count) = src[0..count) + add. Inline vectors rather than a library call: the rows are 28 floats or
    /// fewer and there are F·H of them per image, so a call's fixed cost would exceed the copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(float* src, float* dst, int count, float add)
    {
        var vAdd = Vector256.Create(add);
        int c = 0;
        for (; c + Lanes <= count; c += Lanes) (Vector256.Load(src + c) + vAdd).Store(dst + c);
        for (; c < count; c++) dst[c] = src[c] + add;
    }

    /// <summary>
    /// Two filters over one plane: out0/out1[q] = Σ_tap w0/w1[tap] · in[q·8 + offset(tap)]. Four output vectors × two
    /// filters = eight independent FMA chains (enough to hide the FMA latency on two FMA ports), and each input
    /// vector loaded serves both filters.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CorrelatePair(float* input, float* w0, float* w1, int* offsets, int taps, int vectors, float* out0, float* out1)
    {
        int q = 0;
        for (; q + 4 <= vectors; q += 4)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            float* src = input + q * Lanes;
            for (int tap = 0; tap < taps; tap++)
            {
                Vector256<float> u = Vector256.Create(w0[tap]), v = Vector256.Create(w1[tap]);
                float* s = src + offsets[tap];
                Vector256<float> x0 = Vector256.Load(s), x1 = Vector256.Load(s + Lanes), x2 = Vector256.Load(s + 2 * Lanes),
                    x3 = Vector256.Load(s + 3 * Lanes);
                a0 = Vector256.FusedMultiplyAdd(u, x0, a0); b0 = Vector256.FusedMultiplyAdd(v, x0, b0);
                a1 = Vector256.FusedMultiplyAdd(u, x1, a1); b1 = Vector256.FusedMultiplyAdd(v, x1, b1);
                a2 = Vector256.FusedMultiplyAdd(u, x2, a2); b2 = Vector256.FusedMultiplyAdd(v, x2, b2);
                a3 = Vector256.FusedMultiplyAdd(u, x3, a3); b3 = Vector256.FusedMultiplyAdd(v, x3, b3);
            }
            int o = q * Lanes;
            a0.Store(out0 + o); a1.Store(out0 + o + Lanes); a2.Store(out0 + o + 2 * Lanes); a3.Store(out0 + o + 3 * Lanes);
            b0.Store(out1 + o); b1.Store(out1 + o + Lanes); b2.Store(out1 + o + 2 * Lanes); b3.Store(out1 + o + 3 * Lanes);
        }
        for (; q < vectors; q++)
        {
            Vector256<float> a = default, b = default;
            float* src = input + q * Lanes;
            for (int tap = 0; tap < taps; tap++)
            {
                Vector256<float> x = Vector256.Load(src + offsets[tap]);
                a = Vector256.FusedMultiplyAdd(Vector256.Create(w0[tap]), x, a);
                b = Vector256.FusedMultiplyAdd(Vector256.Create(w1[tap]), x, b);
            }
            a.Store(out0 + q * Lanes);
            b.Store(out1 + q * Lanes);
        }
    }

    /// <summary>
    /// out[q] = Σ_c Σ_tap w[c, tap] · in[c][q·8 + offset(tap)] for output vectors q in [0, vectors): planes of
    /// <paramref name="planeSize"/> floats, four output vectors at a time so four FMA chains overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Correlate(float* input, int planeSize, int channels, float* w, int* offsets, int taps, int vectors, float* output)
    {
        int q = 0;
        for (; q + 4 <= vectors; q += 4)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int c = 0; c < channels; c++)
            {
                float* src = input + (long)c * planeSize + q * Lanes;
                float* wc = w + c * taps;
                for (int tap = 0; tap < taps; tap++)
                {
                    Vector256<float> weight = Vector256.Create(wc[tap]);
                    float* s = src + offsets[tap];
                    a0 = Vector256.FusedMultiplyAdd(weight, Vector256.Load(s), a0);
                    a1 = Vector256.FusedMultiplyAdd(weight, Vector256.Load(s + Lanes), a1);
                    a2 = Vector256.FusedMultiplyAdd(weight, Vector256.Load(s + 2 * Lanes), a2);
                    a3 = Vector256.FusedMultiplyAdd(weight, Vector256.Load(s + 3 * Lanes), a3);
                }
            }
            float* o = output + q * Lanes;
            a0.Store(o);
            a1.Store(o + Lanes);
            a2.Store(o + 2 * Lanes);
            a3.Store(o + 3 * Lanes);
        }
        for (; q < vectors; q++)
        {
            Vector256<float> a = default;
            for (int c = 0; c < channels; c++)
            {
                float* src = input + (long)c * planeSize + q * Lanes;
                float* wc = w + c * taps;
                for (int tap = 0; tap < taps; tap++)
                    a = Vector256.FusedMultiplyAdd(Vector256.Create(wc[tap]), Vector256.Load(src + offsets[tap]), a);
            }
            a.Store(output + q * Lanes);
        }
    }

    /// <summary>
    /// acc[tap] += Σ_q g[q] · x[q·8 + offset(tap)] and biasAcc += Σ_q g[q] (lane-wise; the lanes are summed once at the end).
    /// g is a stride-S gradient plane whose cells past each row's end are zero, so the dropped output cells add nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradient(float* g, float* x, int* offsets, int taps, int vectors, float* acc, float* biasAcc)
    {
        Vector256<float> sum = Vector256.Load(biasAcc);
        for (int q = 0; q < vectors; q++) sum += Vector256.Load(g + q * Lanes);
        sum.Store(biasAcc);
        // Two taps at a time: eight independent chains, and each gradient vector loaded serves both.
        int tap = 0;
        for (; tap + 2 <= taps; tap += 2)
        {
            float* s = x + offsets[tap], r = x + offsets[tap + 1];
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            int q = 0;
            for (; q + 4 <= vectors; q += 4)
            {
                int o = q * Lanes;
                Vector256<float> g0 = Vector256.Load(g + o), g1 = Vector256.Load(g + o + Lanes), g2 = Vector256.Load(g + o + 2 * Lanes),
                    g3 = Vector256.Load(g + o + 3 * Lanes);
                a0 = Vector256.FusedMultiplyAdd(g0, Vector256.Load(s + o), a0);
                b0 = Vector256.FusedMultiplyAdd(g0, Vector256.Load(r + o), b0);
                a1 = Vector256.FusedMultiplyAdd(g1, Vector256.Load(s + o + Lanes), a1);
                b1 = Vector256.FusedMultiplyAdd(g1, Vector256.Load(r + o + Lanes), b1);
                a2 = Vector256.FusedMultiplyAdd(g2, Vector256.Load(s + o + 2 * Lanes), a2);
                b2 = Vector256.FusedMultiplyAdd(g2, Vector256.Load(r + o + 2 * Lanes), b2);
                a3 = Vector256.FusedMultiplyAdd(g3, Vector256.Load(s + o + 3 * Lanes), a3);
                b3 = Vector256.FusedMultiplyAdd(g3, Vector256.Load(r + o + 3 * Lanes), b3);
            }
            for (; q < vectors; q++)
            {
                Vector256<float> gq = Vector256.Load(g + q * Lanes);
                a0 = Vector256.FusedMultiplyAdd(gq, Vector256.Load(s + q * Lanes), a0);
                b0 = Vector256.FusedMultiplyAdd(gq, Vector256.Load(r + q * Lanes), b0);
            }
            float* target = acc + tap * Lanes;
            (Vector256.Load(target) + ((a0 + a1) + (a2 + a3))).Store(target);
            (Vector256.Load(target + Lanes) + ((b0 + b1) + (b2 + b3))).Store(target + Lanes);
        }
        if (tap < taps)
        {
            float* s = x + offsets[tap];
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            int q = 0;
            for (; q + 4 <= vectors; q += 4)
            {
                int o = q * Lanes;
                a0 = Vector256.FusedMultiplyAdd(Vector256.Load(g + o), Vector256.Load(s + o), a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.Load(g + o + Lanes), Vector256.Load(s + o + Lanes), a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.Load(g + o + 2 * Lanes), Vector256.Load(s + o + 2 * Lanes), a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.Load(g + o + 3 * Lanes), Vector256.Load(s + o + 3 * Lanes), a3);
            }
            for (; q < vectors; q++) a0 = Vector256.FusedMultiplyAdd(Vector256.Load(g + q * Lanes), Vector256.Load(s + q * Lanes), a0);
            float* target = acc + tap * Lanes;
            (Vector256.Load(target) + ((a0 + a1) + (a2 + a3))).Store(target);
        }
    }
}
