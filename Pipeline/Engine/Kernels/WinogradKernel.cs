using System.Runtime.InteropServices;
using MlNetFashion.Engine.Layers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// 3×3 stride-1 'same' convolution (pad 1 on every side) by Winograd F(2×2, 3×3): 2.25× fewer multiplications than
/// im2col + GEMM in all three passes (<see cref="WinogradTransforms"/>). The map is cut into 2×2 output tiles
/// (Ty × Tx per image, an odd side padded by one); per chunk of S images with T = S·Ty·Tx tiles:
/// forward   V[ξ] [C, T] = Bᵀ d B;  M[ξ] [F, T] = U[ξ] [F, C] · V[ξ];  y = Aᵀ M A   (U[ξ] = G g Gᵀ, ξ = 0..15)
/// backward  dM[ξ] [F, T] = A dy Aᵀ;  dU[ξ] += dM[ξ] · V[ξ]ᵀ;  dV[ξ] [C, T] = U[ξ]ᵀ · dM[ξ];  dx = Σ B dV Bᵀ;
///           dW = Gᵀ dU G.
/// Each thread takes a fixed slice of the batch and keeps its own dU and db, summed in thread order (deterministic).
/// </summary>
public sealed class WinogradKernel : IConvolutionKernel
{
    /// <summary>
    /// Tiles per chunk: wide enough GEMMs (N = T), while V and M of one chunk stay near the caches. Measured on the fast
    /// net's four 3×3 layers (fwd + bwd, batch 128, 2 threads, Zen 3): 128 → 117 ms, 256 → 119, 512 → 123, 1024 → 131.
    /// </summary>
    public const int TargetTiles = 256;
    private const int Xi = 16;

    private readonly int _channels, _filters, _h, _w, _tilesY, _tilesX, _tiles, _chunk, _threads;
    private readonly int _paddedStride, _paddedPlane, _tileStride, _tilePlane, _half;
    private readonly bool _vector;
    private readonly float[] _u, _transformedFrom;
    private bool _transformed;
    private readonly float[][] _v, _m, _dU, _dB, _plane;

    public WinogradKernel(int channels, int filters, Window rows, Window cols, int threads)
        : this(channels, filters, rows, cols, threads, System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
    {
    }

    /// <summary><paramref name="vector"/> false: the per-tile scalar transforms only (tests hold both paths equal).</summary>
    internal WinogradKernel(int channels, int filters, Window rows, Window cols, int threads, bool vector)
    {
        _vector = vector;
        if (!Supports(rows, cols))
            throw new ArgumentException($"WinogradKernel: expected 3×3 stride-1 windows padded by 1 on each side. Received {rows} and {cols}.");
        (_channels, _filters, _h, _w, _threads) = (channels, filters, rows.Input, cols.Input, threads);
        (_tilesY, _tilesX) = ((_h + 1) / 2, (_w + 1) / 2);
        _tiles = _tilesY * _tilesX;
        _chunk = Math.Max(1, TargetTiles / _tiles);
        // Input planes padded to (2·Ty + 2) × (2·Tx + 2) with zeros (one cell before, the rest after); output planes 2·Ty × 2·Tx.
        (_paddedStride, _paddedPlane) = (2 * _tilesX + 2, (2 * _tilesX + 2) * (2 * _tilesY + 2));
        (_tileStride, _tilePlane) = (2 * _tilesX, 4 * _tiles);
        // Vector path (WinogradRows): padded rows deinterleaved into even and odd blocks of `half` floats, room for the
        // eight-wide loads one past the last tile.
        _half = (_tilesX + 7) / 8 * 8 + 8;
        int columns = _chunk * _tiles;
        _u = new float[Xi * filters * channels];
        _transformedFrom = new float[9 * filters * channels];
        _v = Buffers(threads, Xi * Stride(channels, columns));
        _m = Buffers(threads, Xi * Stride(filters, columns));
        _dU = Buffers(threads, Xi * filters * channels);
        _dB = Buffers(threads, filters);
        _plane = Buffers(threads, Math.Max(_paddedPlane, (2 * _tilesY + 2) * 2 * _half));
    }

    /// <summary>
    /// Floats between the ξ planes of V or M ([rows, columns] each): one cache line more than the plane, so the 16
    /// planes a tile writes do not all fall in the same cache set (128 × 512 columns would put them 256 KB apart).
    /// </summary>
    private static int Stride(int rows, int columns) => rows * columns + 16;

    private static float[][] Buffers(int count, int size) => [.. Enumerable.Range(0, count).Select(_ => new float[size])];

    /// <summary>The windows this kernel computes: 3×3, stride 1, one cell of padding on each side of both axes.</summary>
    public static bool Supports(Window rows, Window cols) => IsUnitPadded3(rows) && IsUnitPadded3(cols);

    private static bool IsUnitPadded3(Window w) => w is { Kernel: 3, Stride: 1, PadBefore: 1, PadAfter: 1 };

    public int Threads => _threads;

    /// <summary>
    /// U[ξ, f, c] = (G W[f, c] Gᵀ)[ξ], unless U already holds the transform of these exact weights (compared bit for
    /// bit with a copy of the last ones): a training step's backward pass and every validation batch reuse the
    /// forward's U instead of transforming again (~0.3 ms a layer, against ~0.05 ms for the copy and the compare).
    /// </summary>
    private unsafe void TransformKernels(ReadOnlySpan<float> weights)
    {
        int count = 9 * _filters * _channels;
        if (weights.Length < count)
            throw new ArgumentException($"WinogradKernel: expected {count} weights. Received {weights.Length}.");
        ReadOnlySpan<int> bits = MemoryMarshal.Cast<float, int>(weights.Slice(0, count));
        if (_transformed && bits.SequenceEqual(MemoryMarshal.Cast<float, int>(_transformedFrom.AsSpan()))) return;
        fixed (float* pw = weights) fixed (float* pu = _u)
            Parallelism.For(_filters, new KernelBody(pw, pu, _channels, _filters * _channels, adjoint: false));
        weights.Slice(0, count).CopyTo(_transformedFrom);
        _transformed = true;
    }

    /// <summary>Filters [start, end) of U = G W Gᵀ (forward) or dW = Gᵀ dU G (adjoint); each pair (f, c) is independent.</summary>
    private readonly unsafe struct KernelBody(float* spatial, float* transformed, int channels, int pairs, bool adjoint) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            for (int p = start * channels; p < end * channels; p++)
            {
                if (adjoint) WinogradTransforms.KernelAdjoint(transformed + p, pairs, spatial + 9 * p);
                else WinogradTransforms.Kernel(spatial + 9 * p, transformed + p, pairs);
            }
        }
    }

    public void Forward(ReadOnlySpan<float> x, int batch, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y)
    {
        TransformKernels(weights);
        unsafe
        {
            fixed (float* px = x) fixed (float* pb = bias) fixed (float* py = y)
                Parallelism.For(Math.Min(_threads, batch), new Body(this, px, bias.IsEmpty ? null : pb, py, null, batch, backward: false, needInput: false));
        }
    }

    public void Backward(ReadOnlySpan<float> x, int batch, ReadOnlySpan<float> weights, ReadOnlySpan<float> dy,
        Span<float> dWeights, Span<float> dBias, Span<float> dx)
    {
        int threads = Math.Min(_threads, batch);
        if (!dx.IsEmpty) TransformKernels(weights);
        unsafe
        {
            fixed (float* px = x) fixed (float* pdy = dy) fixed (float* pdx = dx)
                Parallelism.For(threads, new Body(this, px, null, pdx, pdy, batch, backward: true, needInput: !dx.IsEmpty));
        }
        // Fixed-order reduction of the per-thread partials, then dW[f, c] = Gᵀ dU[f, c] G.
        float[] dU = _dU[0];
        for (int t = 1; t < threads; t++) TensorPrimitives.Add(dU, _dU[t], dU);
        int pairs = _filters * _channels;
        if (dWeights.Length < 9 * pairs) throw new ArgumentException($"WinogradKernel: expected room for {9 * pairs} weight gradients. Received {dWeights.Length}.");
        unsafe
        {
            fixed (float* pdu = dU) fixed (float* pdw = dWeights)
                Parallelism.For(_filters, new KernelBody(pdw, pdu, _channels, pairs, adjoint: true));
        }
        if (!dBias.IsEmpty)
        {
            _dB[0].AsSpan().CopyTo(dBias);
            for (int t = 1; t < threads; t++) TensorPrimitives.Add(dBias, _dB[t], dBias);
        }
    }

    /// <summary>One thread's slice of the batch; <c>y</c> is the output in forward and dx in backward.</summary>
    private readonly unsafe struct Body(WinogradKernel k, float* x, float* bias, float* y, float* dy, int batch, bool backward, bool needInput) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            int threads = Math.Min(k._threads, batch);
            for (int t = start; t < end; t++)
            {
                int first = (int)((long)batch * t / threads), last = (int)((long)batch * (t + 1) / threads);
                int inSize = k._channels * k._h * k._w, outSize = k._filters * k._h * k._w;
                var input = new ReadOnlySpan<float>(x + (long)first * inSize, (last - first) * inSize);
                if (backward)
                {
                    var gradient = new ReadOnlySpan<float>(dy + (long)first * outSize, (last - first) * outSize);
                    var dx = needInput ? new Span<float>(y + (long)first * inSize, (last - first) * inSize) : default;
                    k.BackwardSlice(t, last - first, input, gradient, dx);
                }
                else
                {
                    k.ForwardSlice(t, last - first, input, bias == null ? default : new ReadOnlySpan<float>(bias, k._filters),
                        new Span<float>(y + (long)first * outSize, (last - first) * outSize));
                }
            }
        }
    }

    private void ForwardSlice(int t, int count, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y)
    {
        float[] v = _v[t], m = _m[t];
        int inSize = _channels * _h * _w, outSize = _filters * _h * _w;
        for (int n0 = 0; n0 < count; n0 += _chunk)
        {
            int s = Math.Min(_chunk, count - n0), columns = s * _tiles;
            int vStride = Stride(_channels, columns), mStride = Stride(_filters, columns);
            TransformInput(t, x.Slice(n0 * inSize, s * inSize), s, columns, v);
            for (int xi = 0; xi < Xi; xi++)
                Gemm.Multiply(false, false, _filters, columns, _channels, 1f, _u.AsSpan(xi * _filters * _channels, _filters * _channels), _channels,
                    v.AsSpan(xi * vStride, _channels * columns), columns, 0f, m.AsSpan(xi * mStride, _filters * columns), columns);
            TransformOutput(t, m, s, columns, bias, y.Slice(n0 * outSize, s * outSize));
        }
    }

    private void BackwardSlice(int t, int count, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        float[] v = _v[t], m = _m[t], dU = _dU[t], dB = _dB[t];
        Array.Clear(dB);
        int inSize = _channels * _h * _w, outSize = _filters * _h * _w, pairs = _filters * _channels;
        for (int n0 = 0; n0 < count; n0 += _chunk)
        {
            int s = Math.Min(_chunk, count - n0), columns = s * _tiles;
            int vStride = Stride(_channels, columns), mStride = Stride(_filters, columns);
            TransformInput(t, x.Slice(n0 * inSize, s * inSize), s, columns, v);
            TransformGradient(t, dy.Slice(n0 * outSize, s * outSize), s, columns, m, dB);
            for (int xi = 0; xi < Xi; xi++)
                Gemm.Multiply(false, true, _filters, _channels, columns, 1f, m.AsSpan(xi * mStride, _filters * columns), columns,
                    v.AsSpan(xi * vStride, _channels * columns), columns, n0 == 0 ? 0f : 1f, dU.AsSpan(xi * pairs, pairs), _channels);
            if (dx.IsEmpty) continue;
            // dV overwrites V, which this chunk no longer needs.
            for (int xi = 0; xi < Xi; xi++)
                Gemm.Multiply(true, false, _channels, columns, _filters, 1f, _u.AsSpan(xi * pairs, pairs), _channels,
                    m.AsSpan(xi * mStride, _filters * columns), columns, 0f, v.AsSpan(xi * vStride, _channels * columns), columns);
            TransformInputGradient(t, v, s, columns, dx.Slice(n0 * inSize, s * inSize));
        }
    }

    /// <summary>
    /// V[ξ, c, (n·Ty + ty)·Tx + tx] from x [S, C, H, W], one zero-padded plane at a time. Channels outside, images
    /// inside: the vector path's stores run up to seven lanes past a plane's last tile, into cells written later
    /// (the next tile row, image or channel) or into the padding after the ξ block.
    /// </summary>
    private unsafe void TransformInput(int t, ReadOnlySpan<float> x, int samples, int columns, float[] v)
    {
        Span<float> plane = _plane[t];
        plane.Clear();   // the border stays zero; each plane overwrites only the interior
        int hw = _h * _w, xiStride = Stride(_channels, columns), rowStride = 2 * _half;
        fixed (float* pp = plane) fixed (float* pv = v) fixed (float* px = x)
            for (int c = 0; c < _channels; c++)
            for (int n = 0; n < samples; n++)
            {
                float* source = px + (n * _channels + c) * hw, target = pv + c * columns + n * _tiles;
                if (_vector)
                {
                    // Padded row r ↔ input row r − 1; padded column 2k ↔ input column 2k − 1 (E), 2k + 1 ↔ 2k (O).
                    for (int row = 0; row < _h; row++)
                    {
                        float* e = pp + (row + 1) * rowStride, o = e + _half, line = source + row * _w;
                        for (int k = 1; 2 * k - 1 < _w; k++) e[k] = line[2 * k - 1];
                        for (int k = 0; 2 * k < _w; k++) o[k] = line[2 * k];
                    }
                    for (int ty = 0; ty < _tilesY; ty++, target += _tilesX)
                    for (int tx0 = 0; tx0 < _tilesX; tx0 += 8)
                        WinogradRows.Input(pp + 2 * ty * rowStride, _half, tx0, target + tx0, xiStride);
                    continue;
                }
                for (int row = 0; row < _h; row++) new ReadOnlySpan<float>(source + row * _w, _w).CopyTo(plane.Slice((row + 1) * _paddedStride + 1, _w));
                for (int ty = 0; ty < _tilesY; ty++)
                {
                    float* line = pp + 2 * ty * _paddedStride;
                    for (int tx = 0; tx < _tilesX; tx++) WinogradTransforms.Input(line + 2 * tx, _paddedStride, target++, xiStride);
                }
            }
    }

    /// <summary>y [S, F, H, W] (+ bias) from M[ξ, f, column].</summary>
    private unsafe void TransformOutput(int t, float[] m, int samples, int columns, ReadOnlySpan<float> bias, Span<float> y)
    {
        Span<float> plane = _plane[t];
        int hw = _h * _w, xiStride = Stride(_filters, columns), rowStride = 2 * _half;
        fixed (float* pp = plane) fixed (float* pm = m) fixed (float* py = y)
            for (int n = 0; n < samples; n++)
            for (int f = 0; f < _filters; f++)
            {
                float* source = pm + f * columns + n * _tiles, target = py + (n * _filters + f) * hw;
                float b = bias.IsEmpty ? 0f : bias[f];
                if (_vector)
                {
                    // Output row r as E[k] = y[r, 2k], O[k] = y[r, 2k + 1].
                    for (int ty = 0; ty < _tilesY; ty++, source += _tilesX)
                    for (int tx0 = 0; tx0 < _tilesX; tx0 += 8)
                        WinogradRows.Output(source + tx0, xiStride, pp + 2 * ty * rowStride, _half, tx0);
                    for (int row = 0; row < _h; row++)
                    {
                        float* e = pp + row * rowStride, o = e + _half, line = target + row * _w;
                        for (int k = 0; 2 * k < _w; k++) line[2 * k] = e[k] + b;
                        for (int k = 0; 2 * k + 1 < _w; k++) line[2 * k + 1] = o[k] + b;
                    }
                    continue;
                }
                for (int ty = 0; ty < _tilesY; ty++)
                {
                    float* line = pp + 2 * ty * _tileStride;
                    for (int tx = 0; tx < _tilesX; tx++) WinogradTransforms.Output(source++, xiStride, line + 2 * tx, _tileStride);
                }
                for (int row = 0; row < _h; row++)
                {
                    float* line = pp + row * _tileStride, destination = target + row * _w;
                    for (int x = 0; x < _w; x++) destination[x] = line[x] + b;
                }
            }
    }

    /// <summary>
    /// dM[ξ, f, column] = A dy Aᵀ per tile (cells past an odd edge are zero); adds Σ dy per filter into db.
    /// Filters outside, images inside, for the vector path's spill (see <see cref="TransformInput"/>).
    /// </summary>
    private unsafe void TransformGradient(int t, ReadOnlySpan<float> dy, int samples, int columns, float[] m, float[] dB)
    {
        Span<float> plane = _plane[t];
        plane.Clear();   // cells past an odd edge stay zero
        int hw = _h * _w, xiStride = Stride(_filters, columns), rowStride = 2 * _half;
        fixed (float* pp = plane) fixed (float* pm = m) fixed (float* pdy = dy)
            for (int f = 0; f < _filters; f++)
            for (int n = 0; n < samples; n++)
            {
                float* source = pdy + (n * _filters + f) * hw, target = pm + f * columns + n * _tiles;
                dB[f] += TensorPrimitives.Sum(new ReadOnlySpan<float>(source, hw));
                if (_vector)
                {
                    for (int row = 0; row < _h; row++)
                    {
                        float* e = pp + row * rowStride, o = e + _half, line = source + row * _w;
                        for (int k = 0; 2 * k < _w; k++) e[k] = line[2 * k];
                        for (int k = 0; 2 * k + 1 < _w; k++) o[k] = line[2 * k + 1];
                    }
                    for (int ty = 0; ty < _tilesY; ty++, target += _tilesX)
                    for (int tx0 = 0; tx0 < _tilesX; tx0 += 8)
                        WinogradRows.OutputAdjoint(pp + 2 * ty * rowStride, _half, tx0, target + tx0, xiStride);
                    continue;
                }
                for (int row = 0; row < _h; row++) new ReadOnlySpan<float>(source + row * _w, _w).CopyTo(plane.Slice(row * _tileStride, _w));
                for (int ty = 0; ty < _tilesY; ty++)
                {
                    float* line = pp + 2 * ty * _tileStride;
                    for (int tx = 0; tx < _tilesX; tx++) WinogradTransforms.OutputAdjoint(line + 2 * tx, _tileStride, target++, xiStride);
                }
            }
    }

    /// <summary>dx [S, C, H, W] = Σ over tiles of B dV Bᵀ (tiles overlap by two cells), from dV[ξ, c, column].</summary>
    private unsafe void TransformInputGradient(int t, float[] dv, int samples, int columns, Span<float> dx)
    {
        Span<float> plane = _plane[t];
        int hw = _h * _w, xiStride = Stride(_channels, columns), rowStride = 2 * _half;
        fixed (float* pp = plane) fixed (float* pv = dv) fixed (float* pdx = dx)
            for (int n = 0; n < samples; n++)
            for (int c = 0; c < _channels; c++)
            {
                plane.Clear();
                float* source = pv + c * columns + n * _tiles, target = pdx + (n * _channels + c) * hw;
                if (_vector)
                {
                    for (int ty = 0; ty < _tilesY; ty++, source += _tilesX)
                    for (int tx0 = 0; tx0 < _tilesX; tx0 += 8)
                        WinogradRows.InputAdjointAdd(source + tx0, xiStride, _tilesX - tx0, pp + 2 * ty * rowStride, _half, tx0);
                    for (int row = 0; row < _h; row++)
                    {
                        float* e = pp + (row + 1) * rowStride, o = e + _half, line = target + row * _w;
                        for (int k = 1; 2 * k - 1 < _w; k++) line[2 * k - 1] = e[k];
                        for (int k = 0; 2 * k < _w; k++) line[2 * k] = o[k];
                    }
                    continue;
                }
                for (int ty = 0; ty < _tilesY; ty++)
                {
                    float* line = pp + 2 * ty * _paddedStride;
                    for (int tx = 0; tx < _tilesX; tx++) WinogradTransforms.InputAdjointAdd(source++, xiStride, line + 2 * tx, _paddedStride);
                }
                for (int row = 0; row < _h; row++) plane.Slice((row + 1) * _paddedStride + 1, _w).CopyTo(new Span<float>(target + row * _w, _w));
            }
    }
}
