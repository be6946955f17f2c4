using System.Runtime.Intrinsics.X86;
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
public sealed partial class WinogradKernel : WinogradConvolution
{
    /// <summary>
    /// Tiles per chunk: wide enough GEMMs (N = T), while V and M of one chunk stay near the caches. Measured on the fast
    /// net's four 3×3 layers (fwd + bwd, batch 128, 2 threads, Zen 3): 128 → 117 ms, 256 → 119, 512 → 123, 1024 → 131.
    /// </summary>
    public const int TargetTiles = 256;

    /// <summary>
    /// Widest map, in tiles a row, whose transforms put eight images in the lanes rather than a row's tiles: 4² and 2²
    /// maps gain (2 and 1 tiles a row), 7² (4 tiles) loses, the transposes costing more than the idle lanes.
    /// </summary>
    public const int LanesMaxTilesX = 2;

    private const int Xi = 16, Lanes = WinogradImageLanes.Lanes, KernelLanes = WinogradKernelLanes.Lanes;

    /// <summary>Slots of a thread's scratch: V, M, the padded plane, the lanes path's cells and its transformed tiles.</summary>
    private const int SlotV = 0, SlotM = 1, SlotPlane = 2, SlotCells = 3, SlotLanes = 4;

    private readonly int _tilesY, _tilesX, _tiles, _chunk;
    private readonly int _paddedStride, _paddedPlane, _tileStride, _tilePlane, _half, _planeSize, _cellsSize;
    private readonly bool _vector, _lanes, _pairs;
    private readonly ConvolutionScratch _scratch;
    private readonly int[] _inputCells, _outputCells;

    public WinogradKernel(int channels, int filters, Window rows, Window cols, int threads)
        : this(channels, filters, rows, cols, threads, System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
    {
    }

    /// <summary>
    /// <paramref name="vector"/> false: the per-tile scalar transforms only (tests hold both paths equal);
    /// <paramref name="imageLanes"/> false: tile rows in the lanes (<see cref="WinogradRows"/>) whatever the map's width;
    /// <paramref name="tilePairs"/> false: one tile row per vector on maps four tiles wide too;
    /// <paramref name="shared"/>: a model's scratch, which it allocates once every kernel has reserved its room (null: its own).
    /// </summary>
    internal WinogradKernel(int channels, int filters, Window rows, Window cols, int threads, bool vector, bool imageLanes = true,
        bool tilePairs = true, ConvolutionScratch? shared = null)
        : base(channels, filters, rows, cols, threads, Xi)
    {
        _vector = vector;
        (_tilesY, _tilesX) = ((Height + 1) / 2, (Width + 1) / 2);
        // Maps with at most LanesMaxTilesX tiles a row fill the lanes with eight images (WinogradImageLanes) instead; maps of
        // four tiles a row (7², 8²) with two tile rows, whose columns of V and M are consecutive, except in the dx transform.
        _lanes = vector && imageLanes && Avx2.IsSupported && _tilesX <= LanesMaxTilesX;
        _pairs = vector && tilePairs && _tilesX == 4;
        _tiles = _tilesY * _tilesX;
        _chunk = Math.Max(1, TargetTiles / _tiles);
        // Input planes padded to (2·Ty + 2) × (2·Tx + 2) with zeros (one cell before, the rest after); output planes 2·Ty × 2·Tx.
        (_paddedStride, _paddedPlane) = (2 * _tilesX + 2, (2 * _tilesX + 2) * (2 * _tilesY + 2));
        (_tileStride, _tilePlane) = (2 * _tilesX, 4 * _tiles);
        // Vector path (WinogradRows): padded rows deinterleaved into even and odd blocks of `half` floats, room for the
        // eight-wide loads one past the last tile.
        _half = (_tilesX + 7) / 8 * 8 + 8;
        int columns = _chunk * _tiles;
        _planeSize = Math.Max(_paddedPlane, (2 * _tilesY + 2) * 2 * _half);
        _cellsSize = _lanes ? _paddedPlane * Lanes : 0;
        ReadOnlySpan<int> sizes = [Xi * Stride(channels, columns), Xi * Stride(filters, columns), _planeSize, _cellsSize,
            _lanes ? Xi * _tiles * Lanes : 0];
        if (shared is null) _scratch = ConvolutionScratch.Own(threads, sizes);
        else (_scratch = shared).Reserve(threads, sizes);
        // Pixel (r, c) → its cell in the padded input plane (r + 1, c + 1) and in the output plane (r, c).
        _inputCells = [.. Enumerable.Range(0, Height * Width).Select(k => (k / Width + 1) * _paddedStride + k % Width + 1)];
        _outputCells = [.. Enumerable.Range(0, Height * Width).Select(k => k / Width * _tileStride + k % Width)];
    }

    /// <summary>Thread <paramref name="t"/>'s padded plane, this kernel's part of it (a shared one may be longer).</summary>
    private Span<float> Plane(int t) => _scratch.Of(t)[SlotPlane].AsSpan(0, _planeSize);

    /// <summary>Eight kernels per pass (<see cref="WinogradKernelLanes.Kernel"/>) on the vector path, the rest one at a time.</summary>
    protected override unsafe void KernelTransform(float* g, float* u, int xiStride, int count)
    {
        int k = 0;
        for (; _vector && k + KernelLanes <= count; k += KernelLanes) WinogradKernelLanes.Kernel(g + 9 * k, u + k, xiStride);
        for (; k < count; k++) WinogradTransforms.Kernel(g + 9 * k, u + k, xiStride);
    }

    protected override unsafe void KernelTransformAdjoint(float* du, int xiStride, float* dg, int count)
    {
        int k = 0;
        for (; _vector && k + KernelLanes <= count; k += KernelLanes) WinogradKernelLanes.KernelAdjoint(du + k, xiStride, dg + 9 * k);
        for (; k < count; k++) WinogradTransforms.KernelAdjoint(du + k, xiStride, dg + 9 * k);
    }

    protected override void ForwardSlice(int t, int count, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y,
        Span<float> sums)
    {
        float[][] scratch = _scratch.Of(t);
        float[] v = scratch[SlotV], m = scratch[SlotM];
        int inSize = Channels * Height * Width, outSize = Filters * Height * Width;
        for (int n0 = 0; n0 < count; n0 += _chunk)
        {
            int s = Math.Min(_chunk, count - n0), columns = s * _tiles;
            int vStride = Stride(Channels, columns), mStride = Stride(Filters, columns);
            TransformInput(t, x.Slice(n0 * inSize, s * inSize), s, columns, v);
            for (int xi = 0; xi < Xi; xi++)
                Gemm.Multiply(false, false, Filters, columns, Channels, 1f, U.AsSpan(xi * Filters * Channels, Filters * Channels), Channels,
                    v.AsSpan(xi * vStride, Channels * columns), columns, 0f, m.AsSpan(xi * mStride, Filters * columns), columns);
            Span<float> chunkSums = sums.IsEmpty ? default : sums.Slice(2 * n0 * Filters, 2 * s * Filters);
            TransformOutput(t, m, s, columns, bias, y.Slice(n0 * outSize, s * outSize), chunkSums);
        }
    }

    protected override void BackwardSlice(int t, int count, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        float[][] scratch = _scratch.Of(t);
        float[] v = scratch[SlotV], m = scratch[SlotM], dU = DU[t], dB = DB[t];
        Array.Clear(dB);
        int inSize = Channels * Height * Width, outSize = Filters * Height * Width, pairs = Filters * Channels;
        for (int n0 = 0; n0 < count; n0 += _chunk)
        {
            int s = Math.Min(_chunk, count - n0), columns = s * _tiles;
            int vStride = Stride(Channels, columns), mStride = Stride(Filters, columns);
            TransformInput(t, x.Slice(n0 * inSize, s * inSize), s, columns, v);
            TransformGradient(t, dy.Slice(n0 * outSize, s * outSize), s, columns, m, dB);
            // Both GEMMs of one ξ in turn, while dM[ξ] and V[ξ] are in the cache; dV[ξ] overwrites V[ξ], which its dU GEMM
            // has read.
            for (int xi = 0; xi < Xi; xi++)
            {
                Gemm.Multiply(false, true, Filters, Channels, columns, 1f, m.AsSpan(xi * mStride, Filters * columns), columns,
                    v.AsSpan(xi * vStride, Channels * columns), columns, n0 == 0 ? 0f : 1f, dU.AsSpan(xi * pairs, pairs), Channels);
                if (!dx.IsEmpty)
                    Gemm.Multiply(true, false, Channels, columns, Filters, 1f, U.AsSpan(xi * pairs, pairs), Channels,
                        m.AsSpan(xi * mStride, Filters * columns), columns, 0f, v.AsSpan(xi * vStride, Channels * columns), columns);
            }
            if (!dx.IsEmpty) TransformInputGradient(t, v, s, columns, dx.Slice(n0 * inSize, s * inSize));
        }
    }

    /// <summary>
    /// V[ξ, c, (n·Ty + ty)·Tx + tx] from x [S, C, H, W], one zero-padded plane at a time. Channels outside, images
    /// inside: the vector path's stores run up to seven lanes past a plane's last tile, into cells written later
    /// (the next tile row, image or channel) or into the padding after the ξ block.
    /// </summary>
    private unsafe void TransformInput(int t, ReadOnlySpan<float> x, int samples, int columns, float[] v)
    {
        Span<float> plane = Plane(t);
        plane.Clear();   // the border stays zero; each plane overwrites only the interior
        int hw = Height * Width, xiStride = Stride(Channels, columns), rowStride = 2 * _half, first = Grouped(samples);
        fixed (float* pp = plane) fixed (float* pv = v) fixed (float* px = x)
            for (int c = 0; c < Channels; c++)
            {
                if (_lanes) InputLanes(t, px + c * hw, first, columns, pv + c * columns, xiStride);
                for (int n = first; n < samples; n++)
                {
                    float* source = px + (n * Channels + c) * hw, target = pv + c * columns + n * _tiles;
                    if (_vector)
                    {
                        // Padded row r ↔ input row r − 1; padded column 2k ↔ input column 2k − 1 (E), 2k + 1 ↔ 2k (O).
                        for (int row = 0; row < Height; row++)
                        {
                            float* e = pp + (row + 1) * rowStride;
                            WinogradRows.Deinterleave(source + row * Width, Width, even: e + _half, odd: e + 1);
                        }
                        SweepTileRows(RowTransform.Input, pp, target, xiStride);
                        continue;
                    }
                    for (int row = 0; row < Height; row++)
                        new ReadOnlySpan<float>(source + row * Width, Width).CopyTo(plane.Slice((row + 1) * _paddedStride + 1, Width));
                    for (int ty = 0; ty < _tilesY; ty++)
                    {
                        float* line = pp + 2 * ty * _paddedStride;
                        for (int tx = 0; tx < _tilesX; tx++) WinogradTransforms.Input(line + 2 * tx, _paddedStride, target++, xiStride);
                    }
                }
            }
    }

    /// <summary>
    /// y [S, F, H, W] (+ bias) from M[ξ, f, column], and each plane's (Σy, Σy²) into <paramref name="sums"/> [S, F, 2] unless
    /// it is empty.
    /// </summary>
    private unsafe void TransformOutput(int t, float[] m, int samples, int columns, ReadOnlySpan<float> bias, Span<float> y,
        Span<float> sums)
    {
        Span<float> plane = Plane(t);
        int hw = Height * Width, xiStride = Stride(Filters, columns), rowStride = 2 * _half, first = Grouped(samples);
        fixed (float* pp = plane) fixed (float* pm = m) fixed (float* py = y) fixed (float* ps = sums)
        {
            float* planeSums = sums.IsEmpty ? null : ps;
            for (int f = 0; f < Filters && _lanes; f++)
                OutputLanes(t, pm + f * columns, xiStride, first, bias.IsEmpty ? 0f : bias[f], py + f * hw, planeSums, f);
            for (int n = first; n < samples; n++)
                for (int f = 0; f < Filters; f++)
                {
                    float* source = pm + f * columns + n * _tiles, target = py + (n * Filters + f) * hw;
                    float b = bias.IsEmpty ? 0f : bias[f];
                    if (_vector)
                    {
                        // Output row r as E[k] = y[r, 2k], O[k] = y[r, 2k + 1].
                        SweepTileRows(RowTransform.Output, pp, source, xiStride);
                        for (int row = 0; row < Height; row++)
                        {
                            float* e = pp + row * rowStride;
                            WinogradRows.Interleave(e, e + _half, Width, b, target + row * Width);
                        }
                        SumPlane(target, hw, planeSums, (long)n * Filters + f);
                        continue;
                    }
                    for (int ty = 0; ty < _tilesY; ty++)
                    {
                        float* line = pp + 2 * ty * _tileStride;
                        for (int tx = 0; tx < _tilesX; tx++) WinogradTransforms.Output(source++, xiStride, line + 2 * tx, _tileStride);
                    }
                    for (int row = 0; row < Height; row++)
                    {
                        float* line = pp + row * _tileStride, destination = target + row * Width;
                        for (int x = 0; x < Width; x++) destination[x] = line[x] + b;
                    }
                    SumPlane(target, hw, planeSums, (long)n * Filters + f);
                }
        }
    }

    /// <summary>
    /// dM[ξ, f, column] = A dy Aᵀ per tile (cells past an odd edge are zero); adds Σ dy per filter into db when wanted.
    /// Filters outside, images inside, for the vector path's spill (see <see cref="TransformInput"/>).
    /// </summary>
    private unsafe void TransformGradient(int t, ReadOnlySpan<float> dy, int samples, int columns, float[] m, float[] dB)
    {
        Span<float> plane = Plane(t);
        plane.Clear();   // cells past an odd edge stay zero
        int hw = Height * Width, xiStride = Stride(Filters, columns), rowStride = 2 * _half, first = Grouped(samples);
        if (_lanes) Cells(t).Clear();   // cells past an odd edge stay zero
        fixed (float* pp = plane) fixed (float* pm = m) fixed (float* pdy = dy)
            for (int f = 0; f < Filters; f++)
            {
                if (_lanes) GradientLanes(t, pdy + f * hw, first, pm + f * columns, xiStride, dB, f);
                for (int n = first; n < samples; n++)
                {
                    float* source = pdy + (n * Filters + f) * hw, target = pm + f * columns + n * _tiles;
                    if (NeedsBiasGradient) dB[f] += TensorPrimitives.Sum(new ReadOnlySpan<float>(source, hw));
                    if (_vector)
                    {
                        for (int row = 0; row < Height; row++)
                        {
                            float* e = pp + row * rowStride;
                            WinogradRows.Deinterleave(source + row * Width, Width, e, e + _half);
                        }
                        SweepTileRows(RowTransform.OutputAdjoint, pp, target, xiStride);
                        continue;
                    }
                    for (int row = 0; row < Height; row++)
                        new ReadOnlySpan<float>(source + row * Width, Width).CopyTo(plane.Slice(row * _tileStride, Width));
                    for (int ty = 0; ty < _tilesY; ty++)
                    {
                        float* line = pp + 2 * ty * _tileStride;
                        for (int tx = 0; tx < _tilesX; tx++)
                            WinogradTransforms.OutputAdjoint(line + 2 * tx, _tileStride, target++, xiStride);
                    }
                }
            }
    }

    /// <summary>dx [S, C, H, W] = Σ over tiles of B dV Bᵀ (tiles overlap by two cells), from dV[ξ, c, column].</summary>
    private unsafe void TransformInputGradient(int t, float[] dv, int samples, int columns, Span<float> dx)
    {
        Span<float> plane = Plane(t);
        int hw = Height * Width, xiStride = Stride(Channels, columns), rowStride = 2 * _half, first = Grouped(samples);
        fixed (float* pp = plane) fixed (float* pv = dv) fixed (float* pdx = dx)
        {
            for (int c = 0; c < Channels && _lanes; c++) InputGradientLanes(t, pv + c * columns, xiStride, first, pdx + c * hw);
            for (int n = first; n < samples; n++)
                for (int c = 0; c < Channels; c++)
                {
                    plane.Clear();
                    float* source = pv + c * columns + n * _tiles, target = pdx + (n * Channels + c) * hw;
                    if (_vector)
                    {
                        for (int ty = 0; ty < _tilesY; ty++, source += _tilesX)
                            for (int tx0 = 0; tx0 < _tilesX; tx0 += 8)
                                WinogradRows.InputAdjointAdd(source + tx0, xiStride, _tilesX - tx0, pp + 2 * ty * rowStride, _half, tx0);
                        for (int row = 0; row < Height; row++)
                        {
                            float* e = pp + (row + 1) * rowStride;
                            WinogradRows.Interleave(even: e + _half, odd: e + 1, Width, target + row * Width);
                        }
                        continue;
                    }
                    for (int ty = 0; ty < _tilesY; ty++)
                    {
                        float* line = pp + 2 * ty * _paddedStride;
                        for (int tx = 0; tx < _tilesX; tx++)
                            WinogradTransforms.InputAdjointAdd(source++, xiStride, line + 2 * tx, _paddedStride);
                    }
                    for (int row = 0; row < Height; row++)
                        plane.Slice((row + 1) * _paddedStride + 1, Width).CopyTo(new Span<float>(target + row * Width, Width));
                }
        }
    }
}
