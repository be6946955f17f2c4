using System.Runtime.CompilerServices;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Im2col / col2im for small feature maps (a 4×4 or 2×2 output plane), where the row-segment copies of
/// <see cref="Im2Col"/> cost more in bookkeeping than in data. A table built once per geometry maps each
/// (tap i·kw + j, output cell) to its input cell within the plane, or −1 in the padding; unfolding a plane is then
/// one gather per tap. Same layouts and results as <see cref="Im2Col.Unfold"/> and <see cref="Im2Col.Fold"/>.
/// </summary>
public static unsafe class Im2ColTable
{
    /// <summary>table[(i·kw + j)·Ho·Wo + oy·Wo + ox] = input cell (iy·W + ix) or −1.</summary>
    public static int[] Build(Window rows, Window cols)
    {
        int outPlane = rows.Output * cols.Output;
        var table = new int[rows.Kernel * cols.Kernel * outPlane];
        for (int i = 0; i < rows.Kernel; i++)
            for (int j = 0; j < cols.Kernel; j++)
                for (int oy = 0; oy < rows.Output; oy++)
                    for (int ox = 0; ox < cols.Output; ox++)
                    {
                        int iy = oy * rows.Stride - rows.PadBefore + i, ix = ox * cols.Stride - cols.PadBefore + j;
                        bool inside = iy >= 0 && iy < rows.Input && ix >= 0 && ix < cols.Input;
                        table[(i * cols.Kernel + j) * outPlane + oy * cols.Output + ox] = inside ? iy * cols.Input + ix : -1;
                    }
        return table;
    }

    /// <summary>col [C·k·k, N·L] from x [N, C, H, W] (L = Ho·Wo), single-threaded (called per chunk).</summary>
    public static void Unfold(ReadOnlySpan<float> input, int batch, int channels, Window rows, Window cols, ReadOnlySpan<int> table,
        Span<float> col)
    {
        fixed (float* x = input) fixed (float* c = col) fixed (int* t = table)
            Sweep<Gather>(x, input.Length, c, col.Length, t, table.Length, batch, channels, rows, cols);
    }

    /// <summary>x [N, C, H, W] = col2im(col): every column entry added back into its input cell (x cleared first).</summary>
    public static void Fold(ReadOnlySpan<float> col, int batch, int channels, Window rows, Window cols, ReadOnlySpan<int> table,
        Span<float> input)
    {
        fixed (float* x = input) fixed (float* c = col) fixed (int* t = table)
            Sweep<ScatterAdd>(x, input.Length, c, col.Length, t, table.Length, batch, channels, rows, cols);
    }

    /// <summary>
    /// The walk both directions share: for each channel, tap and image, one plane of x [H·W] and its row segment of
    /// col [Ho·Wo], joined cell by cell through the tap's slice of the table.
    /// </summary>
    private static void Sweep<TStep>(float* x, int xLength, float* c, int cLength, int* t, int tLength, int batch, int channels,
        Window rows, Window cols) where TStep : struct, ITableStep
    {
        int taps = rows.Kernel * cols.Kernel, outPlane = rows.Output * cols.Output, inPlane = rows.Input * cols.Input;
        long columns = (long)batch * outPlane;
        Check(xLength >= batch * channels * inPlane && cLength >= channels * taps * columns && tLength == taps * outPlane);
        if (TStep.AddsIntoInput) new Span<float>(x, batch * channels * inPlane).Clear();
        for (int ch = 0; ch < channels; ch++)
            for (int tap = 0; tap < taps; tap++)
            {
                int* map = t + tap * outPlane;
                float* segment = c + (ch * taps + tap) * columns;
                for (int n = 0; n < batch; n++, segment += outPlane)
                {
                    // A local, not an argument expression: the inlined Run would recompute it for every cell.
                    float* plane = x + ((long)n * channels + ch) * inPlane;
                    TStep.Run(map, plane, segment, outPlane);
                }
            }
    }

    /// <summary>One (plane, segment) pair of <see cref="Sweep"/>: map[o] is segment cell o's plane cell, or −1.</summary>
    private interface ITableStep
    {
        /// <summary>Whether Run adds into the plane (which the sweep then clears first) rather than reading it.</summary>
        static abstract bool AddsIntoInput { get; }

        static abstract void Run(int* map, float* plane, float* segment, int outPlane);
    }

    /// <summary>Unfold: segment[o] = plane[map[o]], or 0 in the padding.</summary>
    private readonly struct Gather : ITableStep
    {
        public static bool AddsIntoInput => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Run(int* map, float* plane, float* segment, int outPlane)
        {
            for (int o = 0; o < outPlane; o++) segment[o] = map[o] >= 0 ? plane[map[o]] : 0f;
        }
    }

    /// <summary>Fold: plane[map[o]] += segment[o], the padding dropped.</summary>
    private readonly struct ScatterAdd : ITableStep
    {
        public static bool AddsIntoInput => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Run(int* map, float* plane, float* segment, int outPlane)
        {
            for (int o = 0; o < outPlane; o++)
            {
                if (map[o] >= 0) plane[map[o]] += segment[o];
            }
        }
    }

    private static void Check(bool ok)
    {
        if (!ok) throw new ArgumentException("Im2ColTable: a buffer or the table does not match the given shapes.");
    }
}
