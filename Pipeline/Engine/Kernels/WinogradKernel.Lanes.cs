using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// The vector transforms' two layouts: eight images in the lanes (the *Lanes methods) on maps of at most
/// <see cref="LanesMaxTilesX"/> tiles a row, tile rows in the lanes (<see cref="SweepTileRows"/>) on wider ones.
/// </summary>
public sealed partial class WinogradKernel
{
    /// <summary>The tile-row transforms of <see cref="WinogradRows"/> that <see cref="SweepTileRows"/> runs.</summary>
    private enum RowTransform
    {
        /// <summary>V = Bᵀ d B, plane → columns.</summary>
        Input,
        /// <summary>Y = Aᵀ M A, columns → plane.</summary>
        Output,
        /// <summary>dM = A dY Aᵀ, plane → columns.</summary>
        OutputAdjoint,
    }

    /// <summary>
    /// <paramref name="transform"/> over every tile row of one image's deinterleaved plane (rows 2·half floats apart) and
    /// its Ty·Tx columns: two tile rows per call on maps four tiles wide (<see cref="WinogradRows.InputPair"/>), else eight
    /// tiles of a row per call.
    /// </summary>
    private unsafe void SweepTileRows(RowTransform transform, float* plane, float* columns, int xiStride)
    {
        int rowStride = 2 * _half, ty = 0;
        for (; _pairs && ty + 2 <= _tilesY; ty += 2, columns += 2 * _tilesX)
        {
            float* top = plane + 2 * ty * rowStride;
            if (transform == RowTransform.Input) WinogradRows.InputPair(top, _half, columns, xiStride);
            else if (transform == RowTransform.Output) WinogradRows.OutputPair(columns, xiStride, top, _half);
            else WinogradRows.OutputAdjointPair(top, _half, columns, xiStride);
        }
        for (; ty < _tilesY; ty++, columns += _tilesX)
            for (int tx0 = 0; tx0 < _tilesX; tx0 += 8)
            {
                float* top = plane + 2 * ty * rowStride, at = columns + tx0;
                if (transform == RowTransform.Input) WinogradRows.Input(top, _half, tx0, at, xiStride);
                else if (transform == RowTransform.Output) WinogradRows.Output(at, xiStride, top, _half, tx0);
                else WinogradRows.OutputAdjoint(top, _half, tx0, at, xiStride);
            }
    }

    /// <summary>How many of a chunk's images the lanes path takes: <paramref name="samples"/> down to a multiple of eight.</summary>
    private int Grouped(int samples) => _lanes ? samples / Lanes * Lanes : 0;

    /// <summary>Thread <paramref name="t"/>'s cells of eight images' planes, this kernel's part of them.</summary>
    private Span<float> Cells(int t) => _scratch.Of(t)[SlotCells].AsSpan(0, _cellsSize);

    /// <summary>
    /// V[ξ, c, n·T + tile] of one channel for the first <paramref name="samples"/> images, eight per pass
    /// (<paramref name="x"/>: the channel's plane of image 0, <paramref name="v"/>: its row of columns in V[0]).
    /// </summary>
    private unsafe void InputLanes(int t, float* x, int samples, int columns, float* v, int xiStride)
    {
        int hw = Height * Width, planeStep = Channels * hw;
        fixed (float* cells = _scratch.Of(t)[SlotCells]) fixed (float* s = _scratch.Of(t)[SlotLanes]) fixed (int* cellOf = _inputCells)
        {
            new Span<float>(cells, _cellsSize).Clear();   // the border stays zero; each group overwrites the interior
            for (int n0 = 0; n0 < samples; n0 += Lanes)
            {
                PlaneLanes.Gather(x + (long)n0 * planeStep, planeStep, hw, cellOf, cells);
                WinogradImageLanes.Input(cells, _paddedStride, _tilesY, _tilesX, s);
                for (int xi = 0; xi < Xi; xi++)
                    WinogradImageLanes.ToColumns(s + xi * _tiles * Lanes, _tiles, v + xi * xiStride + n0 * _tiles);
            }
        }
    }

    /// <summary>
    /// Filter <paramref name="f"/>'s planes of y (+ <paramref name="bias"/>, also when 0, as the row path adds it) for the first
    /// <paramref name="samples"/> images from M, eight per pass (<paramref name="m"/>: the filter's columns in M[0],
    /// <paramref name="y"/>: its plane of image 0), and their (Σy, Σy²) into <paramref name="sums"/> [S, F, 2] unless null.
    /// </summary>
    private unsafe void OutputLanes(int t, float* m, int xiStride, int samples, float bias, float* y, float* sums, int f)
    {
        int hw = Height * Width, planeStep = Filters * hw;
        fixed (float* cells = _scratch.Of(t)[SlotCells]) fixed (float* s = _scratch.Of(t)[SlotLanes]) fixed (int* cellOf = _outputCells)
            for (int n0 = 0; n0 < samples; n0 += Lanes)
            {
                for (int xi = 0; xi < Xi; xi++)
                    WinogradImageLanes.FromColumns(m + xi * xiStride + n0 * _tiles, _tiles, s + xi * _tiles * Lanes);
                WinogradImageLanes.Output(s, _tilesY, _tilesX, cells, _tileStride);
                PlaneLanes.Scatter(cells, cellOf, hw, addBias: true, bias, y + (long)n0 * planeStep, planeStep);
                // The scatter wrote the eight planes whole.
                for (int l = 0; l < Lanes && sums != null; l++)
                    SumPlane(y + (long)(n0 + l) * planeStep, hw, sums, (long)(n0 + l) * Filters + f);
            }
    }

    /// <summary>
    /// dM[ξ, f, n·T + tile] of one filter for the first <paramref name="samples"/> images, eight per pass, and Σ dy of
    /// each plane into db[f] in image order (<paramref name="dy"/>: the filter's plane of image 0).
    /// </summary>
    private unsafe void GradientLanes(int t, float* dy, int samples, float* m, int xiStride, float[] dB, int f)
    {
        int hw = Height * Width, planeStep = Filters * hw;
        fixed (float* cells = _scratch.Of(t)[SlotCells]) fixed (float* s = _scratch.Of(t)[SlotLanes]) fixed (int* cellOf = _outputCells)
            for (int n0 = 0; n0 < samples; n0 += Lanes)
            {
                float* source = dy + (long)n0 * planeStep;
                for (int l = 0; l < Lanes && NeedsBiasGradient; l++)
                    dB[f] += TensorPrimitives.Sum(new ReadOnlySpan<float>(source + l * planeStep, hw));
                PlaneLanes.Gather(source, planeStep, hw, cellOf, cells);
                WinogradImageLanes.OutputAdjoint(cells, _tileStride, _tilesY, _tilesX, s);
                for (int xi = 0; xi < Xi; xi++)
                    WinogradImageLanes.ToColumns(s + xi * _tiles * Lanes, _tiles, m + xi * xiStride + n0 * _tiles);
            }
    }

    /// <summary>
    /// One channel's planes of dx for the first <paramref name="samples"/> images from dV, eight per pass
    /// (<paramref name="dv"/>: the channel's columns in dV[0], <paramref name="dx"/>: its plane of image 0).
    /// </summary>
    private unsafe void InputGradientLanes(int t, float* dv, int xiStride, int samples, float* dx)
    {
        int hw = Height * Width, planeStep = Channels * hw;
        Span<float> cells = Cells(t);
        fixed (float* pc = cells) fixed (float* s = _scratch.Of(t)[SlotLanes]) fixed (int* cellOf = _inputCells)
            for (int n0 = 0; n0 < samples; n0 += Lanes)
            {
                cells.Clear();
                for (int xi = 0; xi < Xi; xi++)
                    WinogradImageLanes.FromColumns(dv + xi * xiStride + n0 * _tiles, _tiles, s + xi * _tiles * Lanes);
                WinogradImageLanes.InputAdjointAdd(s, _tilesY, _tilesX, pc, _paddedStride);
                PlaneLanes.Scatter(pc, cellOf, hw, addBias: false, 0f, dx + (long)n0 * planeStep, planeStep);
            }
    }
}
