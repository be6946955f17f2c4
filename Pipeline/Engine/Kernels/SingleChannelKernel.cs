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
public sealed unsafe partial class SingleChannelKernel : IPlaneSumsKernel
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
        => Forward(x, batch, weights, bias, y, default);

    /// <summary>
    /// Forward, and with a non-empty <paramref name="planeSums"/> [N, F, 2] also each output plane's (Σy, Σy²) as
    /// <see cref="FusedPasses.SumAndDot"/> gives them (after the ReLU, if <see cref="ReluOutput"/>), while the plane is in
    /// cache: the statistics a batch norm on y would otherwise read the whole map again for.
    /// </summary>
    public void Forward(ReadOnlySpan<float> x, int batch, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y,
        Span<float> planeSums)
    {
        CheckWeights(weights);
        if (!planeSums.IsEmpty && planeSums.Length < 2L * batch * _filters)
            throw new ArgumentException($"SingleChannelKernel: expected room for {2L * batch * _filters} plane sums. Received " +
                $"{planeSums.Length}.");
        fixed (float* px = x) fixed (float* pw = weights) fixed (float* pb = bias) fixed (float* py = y) fixed (float* ps = planeSums)
        {
            var body = new Body(this, px, pw, bias.IsEmpty ? null : pb, py, null, planeSums.IsEmpty ? null : ps, batch, backward: false);
            Parallelism.For(Math.Min(_threads, batch), body);
        }
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
            Parallelism.For(threads, new Body(this, px, pw, null, dx.IsEmpty ? null : pdx, pdy, null, batch, backward: true));
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
    /// w the flipped kernel there; <c>sums</c> the forward's plane sums or null.</summary>
    private readonly struct Body(SingleChannelKernel k, float* x, float* w, float* bias, float* y, float* dy, float* sums, int batch,
        bool backward) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            int threads = Math.Min(k._threads, batch);
            for (int t = start; t < end; t++)
            {
                int first = (int)((long)batch * t / threads), last = (int)((long)batch * (t + 1) / threads);
                if (backward) k.BackwardSlice(t, first, last, x, w, dy, y);
                else k.ForwardSlice(t, first, last, x, w, bias, y, sums);
            }
        }
    }

    private void ForwardSlice(int t, int first, int last, float* x, float* w, float* bias, float* y, float* sums)
    {
        int taps = _kh * _kw;
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
                    StoreOutput(output, bias == null ? 0f : bias[f], y, sums, (long)n * _filters + f);
                    StoreOutput(second, bias == null ? 0f : bias[f + 1], y, sums, (long)n * _filters + f + 1);
                }
                if (f < _filters)
                {
                    Correlate(plane, 0, 1, w + f * taps, offsets, taps, _ho * _stride / Lanes, output);
                    StoreOutput(output, bias == null ? 0f : bias[f], y, sums, (long)n * _filters + f);
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

    /// <summary>
    /// Output plane <paramref name="index"/> (n·F + f) into y: <see cref="Store"/>, then the ReLU if <see cref="ReluOutput"/>,
    /// then its (Σ, Σ²) into <paramref name="sums"/> if not null.
    /// </summary>
    private void StoreOutput(float* output, float bias, float* y, float* sums, long index)
    {
        int length = _ho * _wo;
        float* destination = y + index * length;
        Store(output, _ho, _wo, bias, destination);
        var plane = new Span<float>(destination, length);
        if (ReluOutput) TensorPrimitives.Max(plane, 0f, plane);
        if (sums != null) (sums[2 * index], sums[2 * index + 1]) = FusedPasses.SumAndDot(plane, plane);
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
}
