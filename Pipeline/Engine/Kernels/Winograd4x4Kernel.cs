using MlNetFashion.Engine.Layers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// 3×3 stride-1 'same' convolution by Winograd F(4×4, 3×3) (<see cref="Winograd4x4Transforms"/>): 4× fewer
/// multiplications than im2col + GEMM, against 2.25× for <see cref="WinogradKernel"/>'s F(2×2, 3×3), and at 7² it
/// covers the map with 2 × 2 tiles (8² cells for 49) where F(2×2) needs 4 × 4 (also 8²). The passes are those of
/// WinogradKernel with 36 GEMMs instead of 16:
/// forward   V[ξ] [C, T] = Bᵀ d B;  M[ξ] [F, T] = U[ξ] [F, C] · V[ξ];  y = Aᵀ M A;
/// backward  dM[ξ] = A dy Aᵀ;  dU[ξ] += dM[ξ] · V[ξ]ᵀ;  dV[ξ] = U[ξ]ᵀ · dM[ξ];  dx = Σ B dV Bᵀ;  dW = Gᵀ dU G.
/// The tile transforms run on eight images at a time (<see cref="Winograd4x4Lanes"/>), so a chunk's T columns are
/// ordered tile-major: column = tile · S8 + image, S8 the chunk's image count rounded up to eight (the extra lanes are
/// zero images whose outputs are dropped). Each thread takes a fixed slice of the batch and keeps its own dU and db,
/// summed in thread order (deterministic).
/// </summary>
public sealed class Winograd4x4Kernel : WinogradConvolution
{
    /// <summary>Tiles per chunk (columns of the GEMMs), as <see cref="WinogradKernel.TargetTiles"/>.</summary>
    public const int TargetTiles = 256;
    private const int Xi = Winograd4x4Transforms.Xi, Lanes = Winograd4x4Lanes.Lanes;

    private readonly int _tilesY, _tilesX, _tiles, _chunk;
    private readonly int _inStride, _outStride, _cellsSize;
    private readonly ConvolutionScratch _scratch;

    /// <summary>Slots of a thread's scratch: V, M and the interleaved cells.</summary>
    private const int SlotV = 0, SlotM = 1, SlotCells = 2;

    public Winograd4x4Kernel(int channels, int filters, Window rows, Window cols, int threads)
        : this(channels, filters, rows, cols, threads, null)
    {
    }

    /// <summary><paramref name="shared"/>: a model's scratch, which it allocates once every kernel has reserved its room (null: its
    /// own).</summary>
    internal Winograd4x4Kernel(int channels, int filters, Window rows, Window cols, int threads, ConvolutionScratch? shared)
        : base(channels, filters, rows, cols, threads, Xi)
    {
        (_tilesY, _tilesX) = ((Height + 3) / 4, (Width + 3) / 4);
        _tiles = _tilesY * _tilesX;
        _chunk = RoundUp(Math.Max(1, TargetTiles / _tiles));
        // Interleaved planes: the input padded to (4·Ty + 2) × (4·Tx + 2) cells (one zero cell before, the rest after),
        // the output 4·Ty × 4·Tx; each cell eight floats, one per image.
        (_inStride, _outStride) = (4 * _tilesX + 2, 4 * _tilesX);
        int columns = _chunk * _tiles;
        _cellsSize = (4 * _tilesY + 2) * _inStride * Lanes;
        ReadOnlySpan<int> sizes = [Xi * Stride(channels, columns), Xi * Stride(filters, columns), _cellsSize];
        if (shared is null) _scratch = ConvolutionScratch.Own(threads, sizes);
        else (_scratch = shared).Reserve(threads, sizes);
    }

    private static int RoundUp(int images) => (images + Lanes - 1) / Lanes * Lanes;

    /// <summary>Eight kernels per pass (<see cref="Winograd4x4Lanes.Kernel"/>), the rest one at a time.</summary>
    protected override unsafe void KernelTransform(float* g, float* u, int xiStride, int count)
    {
        int k = 0;
        for (; k + Lanes <= count; k += Lanes) Winograd4x4Lanes.Kernel(g + 9 * k, u + k, xiStride);
        for (; k < count; k++) Winograd4x4Transforms.Kernel(g + 9 * k, u + k, xiStride);
    }

    protected override unsafe void KernelTransformAdjoint(float* du, int xiStride, float* dg, int count)
    {
        int k = 0;
        for (; k + Lanes <= count; k += Lanes) Winograd4x4Lanes.KernelAdjoint(du + k, xiStride, dg + 9 * k);
        for (; k < count; k++) Winograd4x4Transforms.KernelAdjoint(du + k, xiStride, dg + 9 * k);
    }

    protected override unsafe void ForwardSlice(int t, int count, ReadOnlySpan<float> input, ReadOnlySpan<float> biases, Span<float> output,
        Span<float> sums)
    {
        float[][] scratch = _scratch.Of(t);
        float[] v = scratch[SlotV], m = scratch[SlotM];
        int inSize = Channels * Height * Width, outSize = Filters * Height * Width, pairs = Filters * Channels;
        fixed (float* x = input) fixed (float* bias = biases) fixed (float* y = output) fixed (float* ps = sums)
            for (int n0 = 0; n0 < count; n0 += _chunk)
            {
                int s = Math.Min(_chunk, count - n0), columns = RoundUp(s) * _tiles;
                int vStride = Stride(Channels, columns), mStride = Stride(Filters, columns);
                TransformInput(t, x + (long)n0 * inSize, s, v, vStride);
                for (int xi = 0; xi < Xi; xi++)
                    Gemm.Multiply(false, false, Filters, columns, Channels, 1f, U.AsSpan(xi * pairs, pairs), Channels,
                        v.AsSpan(xi * vStride, Channels * columns), columns, 0f, m.AsSpan(xi * mStride, Filters * columns), columns);
                TransformOutput(t, m, mStride, s, bias, y + (long)n0 * outSize, sums.IsEmpty ? null : ps + 2L * n0 * Filters);
            }
    }

    protected override unsafe void BackwardSlice(int t, int count, ReadOnlySpan<float> input, ReadOnlySpan<float> gradient,
        Span<float> inputGradient)
    {
        float[][] scratch = _scratch.Of(t);
        float[] v = scratch[SlotV], m = scratch[SlotM], dU = DU[t], dB = DB[t];
        int inSize = Channels * Height * Width, outSize = Filters * Height * Width, pairs = Filters * Channels;
        Array.Clear(dB);
        fixed (float* x = input) fixed (float* dy = gradient) fixed (float* dx = inputGradient)
            for (int n0 = 0; n0 < count; n0 += _chunk)
            {
                int s = Math.Min(_chunk, count - n0), columns = RoundUp(s) * _tiles;
                int vStride = Stride(Channels, columns), mStride = Stride(Filters, columns);
                long image = n0;
                TransformInput(t, x + image * inSize, s, v, vStride);
                TransformGradient(t, dy + image * outSize, s, m, mStride, dB);
                // Both GEMMs of one ξ in turn, while dM[ξ] and V[ξ] are in the cache; dV[ξ] overwrites V[ξ], which its dU
                // GEMM has read.
                for (int xi = 0; xi < Xi; xi++)
                {
                    Gemm.Multiply(false, true, Filters, Channels, columns, 1f, m.AsSpan(xi * mStride, Filters * columns), columns,
                        v.AsSpan(xi * vStride, Channels * columns), columns, n0 == 0 ? 0f : 1f, dU.AsSpan(xi * pairs, pairs), Channels);
                    if (dx != null)
                        Gemm.Multiply(true, false, Channels, columns, Filters, 1f, U.AsSpan(xi * pairs, pairs), Channels,
                            m.AsSpan(xi * mStride, Filters * columns), columns, 0f, v.AsSpan(xi * vStride, Channels * columns), columns);
                }
                if (dx != null) TransformInputGradient(t, v, vStride, s, dx + image * inSize);
            }
    }

    /// <summary>Eight images' planes [8, H, W] of one channel (or filter) into interleaved cells, at cell offset (r0, c0).</summary>
    private unsafe void Interleave(float* source, int planeStep, int valid, float* cells, int stride, int r0, int c0)
    {
        int hw = Height * Width;
        for (int lane = 0; lane < valid; lane++)
        {
            float* plane = source + (long)lane * planeStep * hw;
            for (int r = 0; r < Height; r++)
            {
                float* cell = cells + ((r + r0) * stride + c0) * Lanes + lane, line = plane + r * Width;
                for (int c = 0; c < Width; c++) cell[c * Lanes] = line[c];
            }
        }
    }

    /// <summary>V[ξ, c, tile·S8 + image] from x [S, C, H, W], eight images per pass.</summary>
    private unsafe void TransformInput(int t, float* x, int samples, float[] vBuffer, int xiStride)
    {
        int s8 = RoundUp(samples), columns = s8 * _tiles;
        fixed (float* cells = _scratch.Of(t)[SlotCells]) fixed (float* v = vBuffer)
        {
            new Span<float>(cells, _cellsSize).Clear();   // padding and cells past the map stay zero
            for (int c = 0; c < Channels; c++)
                for (int g = 0; g < samples; g += Lanes)
                {
                    int valid = Math.Min(Lanes, samples - g);
                    if (valid < Lanes) new Span<float>(cells, _cellsSize).Clear();   // lanes past the last image: zero images
                    Interleave(x + ((long)g * Channels + c) * Height * Width, Channels, valid, cells, _inStride, 1, 1);
                    float* target = v + c * columns + g;
                    for (int ty = 0; ty < _tilesY; ty++)
                        for (int tx = 0; tx < _tilesX; tx++)
                            Winograd4x4Lanes.Input(cells + (4 * ty * _inStride + 4 * tx) * Lanes,
                                _inStride, target + (ty * _tilesX + tx) * s8, xiStride);
                }
        }
    }

    /// <summary>
    /// y [S, F, H, W] (+ bias) from M[ξ, f, tile·S8 + image], and each plane's (Σy, Σy²) into <paramref name="sums"/>
    /// [S, F, 2] unless null.
    /// </summary>
    private unsafe void TransformOutput(int t, float[] mBuffer, int xiStride, int samples, float* bias, float* y, float* sums)
    {
        int s8 = RoundUp(samples), columns = s8 * _tiles, hw = Height * Width;
        fixed (float* cells = _scratch.Of(t)[SlotCells]) fixed (float* m = mBuffer)
            for (int f = 0; f < Filters; f++)
                for (int g = 0; g < samples; g += Lanes)
                {
                    float* source = m + f * columns + g;
                    for (int ty = 0; ty < _tilesY; ty++)
                        for (int tx = 0; tx < _tilesX; tx++)
                            Winograd4x4Lanes.Output(source + (ty * _tilesX + tx) * s8,
                                xiStride, cells + (4 * ty * _outStride + 4 * tx) * Lanes, _outStride);
                    float b = bias == null ? 0f : bias[f];
                    for (int lane = 0; lane < Math.Min(Lanes, samples - g); lane++)
                    {
                        float* plane = y + ((long)(g + lane) * Filters + f) * hw;
                        for (int r = 0; r < Height; r++)
                        {
                            float* cell = cells + r * _outStride * Lanes + lane, line = plane + r * Width;
                            for (int c = 0; c < Width; c++) line[c] = cell[c * Lanes] + b;
                        }
                        SumPlane(plane, hw, sums, (long)(g + lane) * Filters + f);
                    }
                }
    }

    /// <summary>dM[ξ, f, tile·S8 + image] = A dy Aᵀ per tile (cells past the map are zero); adds Σ dy per filter into db.</summary>
    private unsafe void TransformGradient(int t, float* dy, int samples, float[] mBuffer, int xiStride, float[] dB)
    {
        int s8 = RoundUp(samples), columns = s8 * _tiles, hw = Height * Width;
        fixed (float* cells = _scratch.Of(t)[SlotCells]) fixed (float* m = mBuffer)
        {
            new Span<float>(cells, _cellsSize).Clear();
            for (int f = 0; f < Filters; f++)
                for (int g = 0; g < samples; g += Lanes)
                {
                    int valid = Math.Min(Lanes, samples - g);
                    if (valid < Lanes) new Span<float>(cells, _cellsSize).Clear();
                    float* source = dy + ((long)g * Filters + f) * hw;
                    for (int lane = 0; lane < valid && NeedsBiasGradient; lane++)
                        dB[f] += TensorPrimitives.Sum(new ReadOnlySpan<float>(source + (long)lane * Filters * hw, hw));
                    Interleave(source, Filters, valid, cells, _outStride, 0, 0);
                    float* target = m + f * columns + g;
                    for (int ty = 0; ty < _tilesY; ty++)
                        for (int tx = 0; tx < _tilesX; tx++)
                            Winograd4x4Lanes.OutputAdjoint(cells + (4 * ty * _outStride + 4 * tx) * Lanes, _outStride,
                                target + (ty * _tilesX + tx) * s8, xiStride);
                }
        }
    }

    /// <summary>dx [S, C, H, W] = Σ over tiles of B dV Bᵀ (tiles overlap by two cells), from dV[ξ, c, tile·S8 + image].</summary>
    private unsafe void TransformInputGradient(int t, float[] dvBuffer, int xiStride, int samples, float* dx)
    {
        int s8 = RoundUp(samples), columns = s8 * _tiles, hw = Height * Width;
        fixed (float* cells = _scratch.Of(t)[SlotCells]) fixed (float* dv = dvBuffer)
            for (int c = 0; c < Channels; c++)
                for (int g = 0; g < samples; g += Lanes)
                {
                    new Span<float>(cells, _cellsSize).Clear();
                    float* source = dv + c * columns + g;
                    for (int ty = 0; ty < _tilesY; ty++)
                        for (int tx = 0; tx < _tilesX; tx++)
                            Winograd4x4Lanes.InputAdjointAdd(source + (ty * _tilesX + tx) * s8, xiStride,
                                cells + (4 * ty * _inStride + 4 * tx) * Lanes, _inStride);
                    for (int lane = 0; lane < Math.Min(Lanes, samples - g); lane++)
                    {
                        float* plane = dx + ((long)(g + lane) * Channels + c) * hw;
                        for (int r = 0; r < Height; r++)
                        {
                            float* cell = cells + ((r + 1) * _inStride + 1) * Lanes + lane, line = plane + r * Width;
                            for (int col = 0; col < Width; col++) line[col] = cell[col * Lanes];
                        }
                    }
                }
    }
}
