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
        int taps = rows.Kernel * cols.Kernel, outPlane = rows.Output * cols.Output, inPlane = rows.Input * cols.Input;
        long columns = (long)batch * outPlane;
        Check(input.Length >= batch * channels * inPlane && col.Length >= channels * taps * columns && table.Length == taps * outPlane);
        fixed (float* x = input) fixed (float* c = col) fixed (int* t = table)
        {
            for (int ch = 0; ch < channels; ch++)
                for (int tap = 0; tap < taps; tap++)
                {
                    int* map = t + tap * outPlane;
                    float* dst = c + (ch * taps + tap) * columns;
                    for (int n = 0; n < batch; n++, dst += outPlane)
                    {
                        float* src = x + ((long)n * channels + ch) * inPlane;
                        for (int o = 0; o < outPlane; o++) dst[o] = map[o] >= 0 ? src[map[o]] : 0f;
                    }
                }
        }
    }

    /// <summary>x [N, C, H, W] = col2im(col): every column entry added back into its input cell (x cleared first).</summary>
    public static void Fold(ReadOnlySpan<float> col, int batch, int channels, Window rows, Window cols, ReadOnlySpan<int> table,
        Span<float> input)
    {
        int taps = rows.Kernel * cols.Kernel, outPlane = rows.Output * cols.Output, inPlane = rows.Input * cols.Input;
        long columns = (long)batch * outPlane;
        Check(input.Length >= batch * channels * inPlane && col.Length >= channels * taps * columns && table.Length == taps * outPlane);
        input.Slice(0, batch * channels * inPlane).Clear();
        fixed (float* x = input) fixed (float* c = col) fixed (int* t = table)
        {
            for (int ch = 0; ch < channels; ch++)
                for (int tap = 0; tap < taps; tap++)
                {
                    int* map = t + tap * outPlane;
                    float* src = c + (ch * taps + tap) * columns;
                    for (int n = 0; n < batch; n++, src += outPlane)
                    {
                        float* dst = x + ((long)n * channels + ch) * inPlane;
                        for (int o = 0; o < outPlane; o++)
                        {
                            if (map[o] >= 0) dst[map[o]] += src[o];
                        }
                    }
                }
        }
    }

    private static void Check(bool ok)
    {
        if (!ok) throw new ArgumentException("Im2ColTable: a buffer or the table does not match the given shapes.");
    }
}
