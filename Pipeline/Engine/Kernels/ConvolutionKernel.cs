using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// 2-D convolution as batched im2col + GEMM, cache-blocked: each thread takes a fixed slice of the batch and walks
/// it in chunks of S samples (S·Ho·Wo ≈ <see cref="TargetColumns"/>, so a chunk's col buffer stays in L2), so the
/// unfold, the product and the scatter of one chunk touch the same hot memory.
/// Forward per chunk: col [C·k·k, S·L] = im2col(x); Y' [F, S·L] = W · col; y[n, f, l] = Y'[f, n·L + l] + b[f].
/// Backward per chunk: dY' = dy as [F, S·L]; dW_t += dY' · colᵀ; db_t += Σ dY'; then dx:
/// stride 1 — dx is the correlation of dy with the flipped, transposed kernel Wf [C, F, k, k] (pads k−1−pad):
/// dcolT [F·k·k, S·Lin] = im2col(dy); dX' [C, S·Lin] = Wf · dcolT (a forward-shaped GEMM, K = F·k·k, and no scatter);
/// stride > 1 — dcol = Wᵀ · dY' (K = F), dx = col2im(dcol).
/// Each thread accumulates its own dW_t, db_t; they are summed in thread order at the end (deterministic).
/// </summary>
public sealed unsafe class ConvolutionKernel : IConvolutionKernel
{
    /// <summary>Columns per chunk: large enough for an efficient GEMM, small enough to stay in cache.</summary>
    public const int TargetColumns = 1024;

    private readonly int _channels, _filters, _patch, _outPlane, _inPlane, _chunk, _threads;
    private readonly Window _rows, _cols, _rowsT, _colsT;
    private readonly bool _transposedInput;
    private readonly float[] _flipped;
    // Gather tables for short output rows (< 8 cells), where row-segment copies are mostly bookkeeping.
    private readonly int[]? _table;
    private readonly float[][] _dW, _dB, _sums;

    // Per thread, filled and read within one call: the unfolded patches and the GEMM's output (or dY').
    private readonly ConvolutionScratch _scratch;
    private const int SlotCol = 0, SlotOut = 1;

    public ConvolutionKernel(int channels, int filters, Window rows, Window cols, int threads)
        : this(channels, filters, rows, cols, threads, null)
    {
    }

    /// <summary><paramref name="shared"/>: a model's scratch, which it allocates once every kernel has reserved its room (null: its
    /// own).</summary>
    internal ConvolutionKernel(int channels, int filters, Window rows, Window cols, int threads, ConvolutionScratch? shared)
    {
        (_channels, _filters, _rows, _cols, _threads) = (channels, filters, rows, cols, threads);
        _patch = channels * rows.Kernel * cols.Kernel;
        _outPlane = rows.Output * cols.Output;
        _inPlane = rows.Input * cols.Input;
        _chunk = Math.Max(1, TargetColumns / _outPlane);
        int columns = _chunk * _outPlane, inColumns = _chunk * _inPlane;
        // Measured single-threaded at batch 128 (benchmarks `layers 128 30 1`): 32→32 @14² backward 16.1 ms transposed vs
        // 18.1 ms col2im; 32→64 @7² 8.8 vs 7.6 and 64→64 @4² 6.8 vs 6.6 — the transposed GEMM's depth F·k·k only pays
        // when F ≤ C and the planes are large enough for the unfold of dy to stream.
        _transposedInput = rows.Stride == 1 && cols.Stride == 1 && filters <= channels && _outPlane >= 64;
        _rowsT = Transposed(rows);
        _colsT = Transposed(cols);
        _flipped = new float[_transposedInput ? filters * _patch : 0];
        _table = cols.Output < 8 ? Im2ColTable.Build(rows, cols) : null;
        int colSize = _transposedInput ? Math.Max(_patch * columns, filters * rows.Kernel * cols.Kernel * inColumns) : _patch * columns;
        int outSize = _transposedInput ? Math.Max(Math.Max(_filters, _patch) * columns, channels * inColumns)
            : Math.Max(_filters, _patch) * columns;
        if (shared is null) _scratch = ConvolutionScratch.Own(threads, colSize, outSize);
        else (_scratch = shared).Reserve(threads, colSize, outSize);
        _dW = [.. Enumerable.Range(0, threads).Select(_ => new float[_filters * _patch])];
        _dB = [.. Enumerable.Range(0, threads).Select(_ => new float[_filters])];
        _sums = [.. Enumerable.Range(0, threads).Select(_ => new float[_filters])];
    }

    public int Threads => _threads;

    /// <summary>
    /// The window of dx as a stride-1 correlation over dy: input Ho, output H, pads k−1−padBefore before and
    /// H − Ho + padBefore after (only used when the stride is 1).
    /// </summary>
    private static Window Transposed(Window w) => w.Stride != 1 || w.PadBefore > w.Kernel - 1
        ? w
        : new Window(w.Output, w.Kernel, 1, w.Kernel - 1 - w.PadBefore, w.Input - w.Output + w.PadBefore, w.Input);

    /// <summary>Wf[c, f, i, j] = W[f, c, k−1−i, k−1−j]</summary>
    private void Flip(ReadOnlySpan<float> weights)
    {
        int kh = _rows.Kernel, kw = _cols.Kernel;
        for (int f = 0; f < _filters; f++)
            for (int c = 0; c < _channels; c++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                        _flipped[((c * _filters + f) * kh + i) * kw + j]
                            = weights[((f * _channels + c) * kh + (kh - 1 - i)) * kw + (kw - 1 - j)];
    }

    /// <summary>y [N, F, Ho, Wo] = conv(x [N, C, H, W], W [F, C, k, k]) + b (b may be empty).</summary>
    public void Forward(ReadOnlySpan<float> x, int batch, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y)
    {
        fixed (float* px = x) fixed (float* pw = weights) fixed (float* pb = bias) fixed (float* py = y)
            Parallelism.For(Math.Min(_threads, batch),
                new Body(this, px, pw, bias.IsEmpty ? null : pb, py, null, batch, backward: false, needInput: false));
    }

    /// <summary>dW, db (may be empty) and dx (may be empty: not needed) from dy and the forward input x.</summary>
    public void Backward(ReadOnlySpan<float> x, int batch, ReadOnlySpan<float> weights, ReadOnlySpan<float> dy,
        Span<float> dWeights, Span<float> dBias, Span<float> dx)
    {
        int threads = Math.Min(_threads, batch);
        bool transposed = _transposedInput && !dx.IsEmpty;
        if (transposed) Flip(weights);
        fixed (float* px = x) fixed (float* pw = transposed ? _flipped : weights) fixed (float* pdy = dy) fixed (float* pdx = dx)
            Parallelism.For(threads, new Body(this, px, pw, null, pdx, pdy, batch, backward: true, needInput: !dx.IsEmpty));
        // Fixed-order reduction of the per-thread partial gradients.
        _dW[0].AsSpan().CopyTo(dWeights);
        for (int t = 1; t < threads; t++) System.Numerics.Tensors.TensorPrimitives.Add(dWeights, _dW[t], dWeights);
        if (!dBias.IsEmpty)
        {
            _dB[0].AsSpan().CopyTo(dBias);
            for (int t = 1; t < threads; t++) System.Numerics.Tensors.TensorPrimitives.Add(dBias, _dB[t], dBias);
        }
    }

    private readonly struct Body(ConvolutionKernel k, float* x, float* w, float* bias, float* y, float* dy, int batch, bool backward,
        bool needInput) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            int threads = Math.Min(k._threads, batch);
            for (int t = start; t < end; t++)
            {
                int first = (int)((long)batch * t / threads), last = (int)((long)batch * (t + 1) / threads);
                if (backward) k.BackwardSlice(t, first, last, x, w, dy, y, needInput);
                else k.ForwardSlice(t, first, last, x, w, bias, y);
            }
        }
    }

    private void ForwardSlice(int t, int first, int last, float* x, float* w, float* bias, float* y)
    {
        float[][] scratch = _scratch.Of(t);
        float[] col = scratch[SlotCol], output = scratch[SlotOut];
        for (int n0 = first; n0 < last; n0 += _chunk)
        {
            int s = Math.Min(_chunk, last - n0), columns = s * _outPlane;
            UnfoldInput(new ReadOnlySpan<float>(x + (long)n0 * _channels * _inPlane, s * _channels * _inPlane), s, col);
            Gemm.Multiply(false, false, _filters, columns, _patch, 1f, new ReadOnlySpan<float>(w, _filters * _patch), _patch, col, columns,
                0f, output, columns);
            ChannelMajor.ToBatchMajor(output, bias == null ? default : new ReadOnlySpan<float>(bias, _filters), s, _filters, _outPlane,
                new Span<float>(y + (long)n0 * _filters * _outPlane, s * _filters * _outPlane));
        }
    }

    private void BackwardSlice(int t, int first, int last, float* x, float* w, float* dy, float* dx, bool needInput)
    {
        float[][] scratch = _scratch.Of(t);
        float[] col = scratch[SlotCol], gradient = scratch[SlotOut], dW = _dW[t], dB = _dB[t];
        bool firstChunk = true;
        for (int n0 = first; n0 < last; n0 += _chunk)
        {
            int s = Math.Min(_chunk, last - n0), columns = s * _outPlane;
            UnfoldInput(new ReadOnlySpan<float>(x + (long)n0 * _channels * _inPlane, s * _channels * _inPlane), s, col);
            // dY' [F, S·L]; its row sums are this chunk's bias gradient (accumulated into dB).
            float[] sums = firstChunk ? dB : _sums[t];
            ChannelMajor.ToChannelMajor(new ReadOnlySpan<float>(dy + (long)n0 * _filters * _outPlane, s * _filters * _outPlane), s,
                _filters, _outPlane, gradient, sums);
            if (!firstChunk) System.Numerics.Tensors.TensorPrimitives.Add(dB, sums, dB);
            Gemm.Multiply(false, true, _filters, _patch, columns, 1f, gradient, columns, col, columns, firstChunk ? 0f : 1f, dW, _patch);
            if (needInput && _transposedInput)
            {
                // w is the flipped kernel Wf [C, F·k·k] here.
                int inColumns = s * _inPlane, patchT = _filters * _rows.Kernel * _cols.Kernel;
                Im2Col.Unfold(new ReadOnlySpan<float>(dy + (long)n0 * _filters * _outPlane, s * _filters * _outPlane), s, _filters, _rowsT,
                    _colsT, col);
                Gemm.Multiply(false, false, _channels, inColumns, patchT, 1f, new ReadOnlySpan<float>(w, _channels * patchT), patchT, col,
                    inColumns, 0f, gradient, inColumns);
                ChannelMajor.ToBatchMajor(gradient, default, s, _channels, _inPlane,
                    new Span<float>(dx + (long)n0 * _channels * _inPlane, s * _channels * _inPlane));
            }
            else if (needInput)
            {
                Gemm.Multiply(true, false, _patch, columns, _filters, 1f, new ReadOnlySpan<float>(w, _filters * _patch), _patch, gradient,
                    columns, 0f, col, columns);
                FoldInput(col, s, new Span<float>(dx + (long)n0 * _channels * _inPlane, s * _channels * _inPlane));
            }
            firstChunk = false;
        }
    }

    private void UnfoldInput(ReadOnlySpan<float> x, int samples, Span<float> col)
    {
        if (_table is null) Im2Col.Unfold(x, samples, _channels, _rows, _cols, col);
        else Im2ColTable.Unfold(x, samples, _channels, _rows, _cols, _table, col);
    }

    private void FoldInput(ReadOnlySpan<float> col, int samples, Span<float> dx)
    {
        if (_table is null) Im2Col.Fold(col, samples, _channels, _rows, _cols, dx);
        else Im2ColTable.Fold(col, samples, _channels, _rows, _cols, _table, dx);
    }
}
