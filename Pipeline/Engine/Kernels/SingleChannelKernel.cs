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
/// With 512-bit SIMD the forward and weight-gradient loops load two neighbouring 8-cell vectors as one (cells q·8 … q·8 + 15):
/// each lane still runs the FMA chain it runs in the 256-bit loops, in the same order, so the bits are the same at half the
/// instructions.
/// </summary>
public sealed unsafe class SingleChannelKernel : IConvolutionKernel
{
    private const int Lanes = 8;
    private const int BiasChains = 4; // filters whose bias sums (one serial chain each) run side by side
    private readonly int _filters, _threads, _kh, _kw, _h, _w, _ho, _wo, _padTop, _padLeft, _stride;
    private readonly int _inputRows, _gradientRows; // rows of the padded x plane and of each padded dy plane
    private readonly int[] _offsets; // i·S + j per tap
    private readonly float[] _flipped; // W[f, kh−1−i, kw−1−j]
    private readonly float[][] _plane, _out, _dyPlanes, _dW, _dB;
    private readonly bool _wide; // the Vector512 loops

    public SingleChannelKernel(int filters, Window rows, Window cols, int threads)
        : this(filters, rows, cols, threads, Vector512.IsHardwareAccelerated)
    {
    }

    /// <summary><paramref name="wide"/>: the Vector512 loops (tests compare them with the 256-bit ones).</summary>
    internal SingleChannelKernel(int filters, Window rows, Window cols, int threads, bool wide)
    {
        _wide = wide;
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

    /// <summary>
    /// Forward writes y = max(conv + b, 0), a ReLU after the convolution: TensorPrimitives.Max on each output plane while
    /// it is in cache (the ReLU's own operation, so the same bits as its separate pass over the [N, F, H, W] output).
    /// </summary>
    internal bool ReluOutput { get; set; }

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
                    int vectors = _ho * _stride / Lanes;
                    if (_wide) CorrelatePairWide(plane, w + f * taps, w + (f + 1) * taps, offsets, taps, vectors, output, second);
                    else CorrelatePair(plane, w + f * taps, w + (f + 1) * taps, offsets, taps, vectors, output, second);
                    StoreOutput(output, bias == null ? 0f : bias[f], y + ((long)n * _filters + f) * outPlane);
                    StoreOutput(second, bias == null ? 0f : bias[f + 1], y + ((long)n * _filters + f + 1) * outPlane);
                }
                if (f < _filters)
                {
                    Correlate(plane, 0, 1, w + f * taps, offsets, taps, _ho * _stride / Lanes, output);
                    StoreOutput(output, bias == null ? 0f : bias[f], y + ((long)n * _filters + f) * outPlane);
                }
            }
        }
    }

    private void BackwardSlice(int t, int first, int last, float* x, float* flipped, float* dy, float* dx)
    {
        int taps = _kh * _kw, outPlane = _ho * _wo, gradientPlane = _gradientRows * _stride;
        Array.Clear(_dW[t]);
        Array.Clear(_dB[t]);
        fixed (float* plane = _plane[t]) fixed (float* output = _out[t]) fixed (float* dyPlanes = _dyPlanes[t])
        fixed (float* dW = _dW[t]) fixed (float* dB = _dB[t]) fixed (int* offsets = _offsets)
        {
            int vectors = _ho * _stride / Lanes;
            for (int n = first; n < last; n++)
            {
                Pad(x + (long)n * _h * _w, plane);
                for (int group = 0; group < _filters; group += BiasChains)
                {
                    int count = Math.Min(BiasChains, _filters - group);
                    for (int f = group; f < group + count; f++)
                    {
                        // dy[f] with dx's padding (k − 1 − pad before):
                        // its first pad-free cell at (kh − 1 − padTop, kw − 1 − padLeft).
                        // For dW the same plane is read from that cell on, where it lines up with the output grid (stride S).
                        float* g = dy + ((long)n * _filters + f) * outPlane, origin = Origin(dyPlanes, f);
                        for (int r = 0; r < _ho; r++) CopyRow(g + r * _wo, origin + r * _stride, _wo, 0f);
                    }
                    BiasSums(Origin(dyPlanes, group), gradientPlane, count, vectors, dB + group * Lanes);
                    for (int f = group; f < group + count; f++)
                    {
                        float* origin = Origin(dyPlanes, f), acc = dW + f * taps * Lanes;
                        if (_wide) WeightGradientWide(origin, plane, offsets, taps, vectors, acc);
                        else WeightGradient(origin, plane, offsets, taps, vectors, acc);
                    }
                }
                if (dx == null) continue;
                Correlate(dyPlanes, gradientPlane, _filters, flipped, offsets, taps, _h * _stride / Lanes, output);
                Store(output, _h, _w, 0f, dx + (long)n * _h * _w);
            }
        }
    }

    /// <summary>Filter f's padded dy plane from its first pad-free cell on.</summary>
    private float* Origin(float* dyPlanes, int f) =>
        dyPlanes + (long)f * _gradientRows * _stride + (_kh - 1 - _padTop) * _stride + (_kw - 1 - _padLeft);

    /// <summary>Image [H, W] into the zero-padded plane at (padTop, padLeft); the pad cells are never written, so stay zero.</summary>
    private void Pad(float* image, float* plane)
    {
        float* origin = plane + _padTop * _stride + _padLeft;
        for (int r = 0; r < _h; r++) CopyRow(image + r * _w, origin + r * _stride, _w, 0f);
    }

    /// <summary>A forward output plane into y: <see cref="Store"/>, then the ReLU if <see cref="ReluOutput"/>.</summary>
    private void StoreOutput(float* output, float bias, float* destination)
    {
        Store(output, _ho, _wo, bias, destination);
        if (!ReluOutput) return;
        var plane = new Span<float>(destination, _ho * _wo);
        TensorPrimitives.Max(plane, 0f, plane);
    }

    /// <summary>The valid [rows, cols] of a stride-S plane, plus a bias, into a dense plane.</summary>
    private void Store(float* output, int rows, int cols, float bias, float* destination)
    {
        for (int r = 0; r < rows; r++) CopyRow(output + r * _stride, destination + r * cols, cols, bias);
    }

    /// <summary>
    /// dst[0..count) = src[0..count) + add (28 = 8 + 8 + 8 + 4). Inline vectors rather than a library call: the rows are 28 floats or
    /// fewer and there are F·H of them per image, so a call's fixed cost would exceed the copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(float* src, float* dst, int count, float add)
    {
        var vAdd = Vector256.Create(add);
        int c = 0;
        for (; c + Lanes <= count; c += Lanes) (Vector256.Load(src + c) + vAdd).Store(dst + c);
        if (c + Lanes / 2 <= count)
        {
            (Vector128.Load(src + c) + vAdd.GetLower()).Store(dst + c);
            c += Lanes / 2;
        }
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
        int q = CorrelatePairBlocks<Vector256<float>>(input, w0, w1, offsets, taps, vectors, out0, out1);
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
    /// biasAcc[p] += Σ_q g_p[q] (lane-wise, q in order) for <paramref name="count"/> ≤ 4 planes <paramref name="planeSize"/> apart:
    /// each sum is one chain of dependent adds, so four planes' chains run side by side rather than one after another.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BiasSums(float* g, int planeSize, int count, int vectors, float* biasAcc)
    {
        if (count == BiasChains)
        {
            float* g1 = g + planeSize, g2 = g + 2 * planeSize, g3 = g + 3 * planeSize;
            Vector256<float> s0 = Vector256.Load(biasAcc), s1 = Vector256.Load(biasAcc + Lanes), s2 = Vector256.Load(biasAcc + 2 * Lanes),
                s3 = Vector256.Load(biasAcc + 3 * Lanes);
            for (int q = 0; q < vectors; q++)
            {
                int o = q * Lanes;
                s0 += Vector256.Load(g + o);
                s1 += Vector256.Load(g1 + o);
                s2 += Vector256.Load(g2 + o);
                s3 += Vector256.Load(g3 + o);
            }
            s0.Store(biasAcc);
            s1.Store(biasAcc + Lanes);
            s2.Store(biasAcc + 2 * Lanes);
            s3.Store(biasAcc + 3 * Lanes);
            return;
        }
        for (int p = 0; p < count; p++)
        {
            float* gp = g + (long)p * planeSize, target = biasAcc + p * Lanes;
            Vector256<float> sum = Vector256.Load(target);
            for (int q = 0; q < vectors; q++) sum += Vector256.Load(gp + q * Lanes);
            sum.Store(target);
        }
    }

    /// <summary>
    /// acc[tap] += Σ_q g[q] · x[q·8 + offset(tap)] (lane-wise; the lanes are summed once at the end).
    /// g is a stride-S gradient plane whose cells past each row's end are zero, so the dropped output cells add nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradient(float* g, float* x, int* offsets, int taps, int vectors, float* acc)
    {
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
    /// <summary>
    /// <see cref="CorrelatePair"/> with Vector512: eight 8-cell output vectors per filter at a time as four 16-cell ones, each
    /// cell's chain over the taps as there; the rest by <see cref="CorrelatePair"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CorrelatePairWide(float* input, float* w0, float* w1, int* offsets, int taps, int vectors, float* out0,
        float* out1)
    {
        int q = CorrelatePairBlocks<Vector512<float>>(input, w0, w1, offsets, taps, vectors, out0, out1);
        if (q < vectors) CorrelatePair(input + q * Lanes, w0, w1, offsets, taps, vectors - q, out0 + q * Lanes, out1 + q * Lanes);
    }

    /// <summary>
    /// The blocks of <see cref="CorrelatePair"/> and <see cref="CorrelatePairWide"/>: four TVec output vectors × two filters,
    /// eight independent FMA chains, while four whole TVecs fit; returns the 8-cell vectors done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CorrelatePairBlocks<TVec>(float* input, float* w0, float* w1, int* offsets, int taps, int vectors, float* out0,
        float* out1) where TVec : struct
    {
        int width = SimdLanes<TVec>.Count, block = 4 * width / Lanes;
        int q = 0;
        for (; q + block <= vectors; q += block)
        {
            TVec a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            float* src = input + q * Lanes;
            for (int tap = 0; tap < taps; tap++)
            {
                TVec u = SimdLanes<TVec>.Broadcast(w0, tap), v = SimdLanes<TVec>.Broadcast(w1, tap);
                float* s = src + offsets[tap];
                TVec x0 = SimdLanes<TVec>.Load(s, 0), x1 = SimdLanes<TVec>.Load(s, width), x2 = SimdLanes<TVec>.Load(s, 2 * width),
                    x3 = SimdLanes<TVec>.Load(s, 3 * width);
                a0 = SimdLanes<TVec>.FusedMultiplyAdd(u, x0, a0); b0 = SimdLanes<TVec>.FusedMultiplyAdd(v, x0, b0);
                a1 = SimdLanes<TVec>.FusedMultiplyAdd(u, x1, a1); b1 = SimdLanes<TVec>.FusedMultiplyAdd(v, x1, b1);
                a2 = SimdLanes<TVec>.FusedMultiplyAdd(u, x2, a2); b2 = SimdLanes<TVec>.FusedMultiplyAdd(v, x2, b2);
                a3 = SimdLanes<TVec>.FusedMultiplyAdd(u, x3, a3); b3 = SimdLanes<TVec>.FusedMultiplyAdd(v, x3, b3);
            }
            int o = q * Lanes;
            SimdLanes<TVec>.Store(a0, out0, o); SimdLanes<TVec>.Store(a1, out0, o + width);
            SimdLanes<TVec>.Store(a2, out0, o + 2 * width); SimdLanes<TVec>.Store(a3, out0, o + 3 * width);
            SimdLanes<TVec>.Store(b0, out1, o); SimdLanes<TVec>.Store(b1, out1, o + width);
            SimdLanes<TVec>.Store(b2, out1, o + 2 * width); SimdLanes<TVec>.Store(b3, out1, o + 3 * width);
        }
        return q;
    }

    /// <summary>
    /// <see cref="WeightGradient"/> with Vector512: its chains a0|a1 and a2|a3 (output vectors q ≡ 0, 1 and 2, 3 mod 4) as the
    /// halves of two 16-lane accumulators, split again before the same final sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradientWide(float* g, float* x, int* offsets, int taps, int vectors, float* acc)
    {
        const int Wide = 2 * Lanes;
        int tap = 0;
        for (; tap + 2 <= taps; tap += 2)
        {
            float* s = x + offsets[tap], r = x + offsets[tap + 1];
            Vector512<float> a01 = default, a23 = default, b01 = default, b23 = default;
            int q = 0;
            for (; q + 4 <= vectors; q += 4)
            {
                int o = q * Lanes;
                Vector512<float> g01 = Vector512.Load(g + o), g23 = Vector512.Load(g + o + Wide);
                a01 = Vector512.FusedMultiplyAdd(g01, Vector512.Load(s + o), a01);
                b01 = Vector512.FusedMultiplyAdd(g01, Vector512.Load(r + o), b01);
                a23 = Vector512.FusedMultiplyAdd(g23, Vector512.Load(s + o + Wide), a23);
                b23 = Vector512.FusedMultiplyAdd(g23, Vector512.Load(r + o + Wide), b23);
            }
            Vector256<float> a0 = a01.GetLower(), b0 = b01.GetLower();
            for (; q < vectors; q++)
            {
                Vector256<float> gq = Vector256.Load(g + q * Lanes);
                a0 = Vector256.FusedMultiplyAdd(gq, Vector256.Load(s + q * Lanes), a0);
                b0 = Vector256.FusedMultiplyAdd(gq, Vector256.Load(r + q * Lanes), b0);
            }
            float* target = acc + tap * Lanes;
            (Vector256.Load(target) + ((a0 + a01.GetUpper()) + (a23.GetLower() + a23.GetUpper()))).Store(target);
            (Vector256.Load(target + Lanes) + ((b0 + b01.GetUpper()) + (b23.GetLower() + b23.GetUpper()))).Store(target + Lanes);
        }
        if (tap < taps)
        {
            float* s = x + offsets[tap];
            Vector512<float> a01 = default, a23 = default;
            int q = 0;
            for (; q + 4 <= vectors; q += 4)
            {
                int o = q * Lanes;
                a01 = Vector512.FusedMultiplyAdd(Vector512.Load(g + o), Vector512.Load(s + o), a01);
                a23 = Vector512.FusedMultiplyAdd(Vector512.Load(g + o + Wide), Vector512.Load(s + o + Wide), a23);
            }
            Vector256<float> a0 = a01.GetLower();
            for (; q < vectors; q++) a0 = Vector256.FusedMultiplyAdd(Vector256.Load(g + q * Lanes), Vector256.Load(s + q * Lanes), a0);
            float* target = acc + tap * Lanes;
            (Vector256.Load(target) + ((a0 + a01.GetUpper()) + (a23.GetLower() + a23.GetUpper()))).Store(target);
        }
    }
}
