using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Convolution as GEMM. Im2Col unfolds x [N, C, H, W] into col [C·kh·kw, N·Ho·Wo] (row r = (c·kh + i)·kw + j,
/// column n·Ho·Wo + oy·Wo + ox holds x[n, c, oy·s − padTop + i, ox·s − padLeft + j], zero outside); Col2Im is its
/// adjoint (sums every column entry back into the input cell it came from). Work is split over rows / (n, c) planes.
/// </summary>
public static unsafe class Im2Col
{
    public static void Unfold(ReadOnlySpan<float> input, int batch, int channels, Window rows, Window cols, Span<float> col)
    {
        int k = channels * rows.Kernel * cols.Kernel;
        Check(input.Length >= batch * channels * rows.Input * cols.Input && col.Length >= k * batch * rows.Output * cols.Output);
        fixed (float* x = input)
        fixed (float* c = col)
        {
            Parallelism.For(k, new UnfoldBody(x, c, batch, channels, rows, cols));
        }
    }

    public static void Fold(ReadOnlySpan<float> col, int batch, int channels, Window rows, Window cols, Span<float> input)
    {
        int k = channels * rows.Kernel * cols.Kernel;
        Check(input.Length >= batch * channels * rows.Input * cols.Input && col.Length >= k * batch * rows.Output * cols.Output);
        fixed (float* x = input)
        fixed (float* c = col)
        {
            Parallelism.For(batch * channels, new FoldBody(x, c, batch, channels, rows, cols));
        }
    }

    private static void Check(bool ok)
    {
        if (!ok) throw new ArgumentException("Im2Col: buffer too small for the given shapes.");
    }

    /// <summary>Output columns ox whose input column ox·s − pad + j falls inside [0, W): [first, last).</summary>
    private static (int First, int Last) ValidRange(Window w, int j)
    {
        int offset = j - w.PadBefore;
        int first = offset >= 0 ? 0 : (-offset + w.Stride - 1) / w.Stride;
        int last = Math.Min(w.Output, (w.Input - 1 - offset) / w.Stride + 1);
        if (w.Input - 1 - offset < 0) last = 0;
        return (first, Math.Max(first, last));
    }

    private readonly struct UnfoldBody(float* x, float* col, int batch, int channels, Window rows, Window cols) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            int kh = rows.Kernel, kw = cols.Kernel, plane = rows.Input * cols.Input, outPlane = rows.Output * cols.Output;
            long columns = (long)batch * outPlane;
            for (int r = start; r < end; r++)
            {
                int c = r / (kh * kw), i = r / kw % kh, j = r % kw;
                (int first, int last) = ValidRange(cols, j);
                float* dst = col + r * columns;
                for (int n = 0; n < batch; n++)
                {
                    float* src = x + ((long)n * channels + c) * plane;
                    for (int oy = 0; oy < rows.Output; oy++, dst += cols.Output)
                    {
                        int iy = oy * rows.Stride - rows.PadBefore + i;
                        if (iy < 0 || iy >= rows.Input)
                        {
                            new Span<float>(dst, cols.Output).Clear();
                            continue;
                        }
                        float* line = src + iy * cols.Input + j - cols.PadBefore;
                        for (int ox = 0; ox < first; ox++) dst[ox] = 0;
                        if (cols.Stride == 1)
                            new ReadOnlySpan<float>(line + first, last - first).CopyTo(new Span<float>(dst + first, last - first));
                        else for (int ox = first; ox < last; ox++) dst[ox] = line[ox * cols.Stride];
                        for (int ox = last; ox < cols.Output; ox++) dst[ox] = 0;
                    }
                }
            }
        }
    }

    private readonly struct FoldBody(float* x, float* col, int batch, int channels, Window rows, Window cols) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            int kh = rows.Kernel, kw = cols.Kernel, plane = rows.Input * cols.Input, outPlane = rows.Output * cols.Output;
            long columns = (long)batch * outPlane;
            for (int nc = start; nc < end; nc++)
            {
                int n = nc / channels, c = nc % channels;
                float* dst = x + (long)nc * plane;
                new Span<float>(dst, plane).Clear();
                for (int i = 0; i < kh; i++)
                {
                    for (int j = 0; j < kw; j++)
                    {
                        (int first, int last) = ValidRange(cols, j);
                        float* src = col + ((c * kh + i) * kw + j) * columns + (long)n * outPlane;
                        for (int oy = 0; oy < rows.Output; oy++)
                        {
                            int iy = oy * rows.Stride - rows.PadBefore + i;
                            if (iy < 0 || iy >= rows.Input) continue;
                            float* line = dst + iy * cols.Input + j - cols.PadBefore;
                            float* s = src + oy * cols.Output;
                            for (int ox = first; ox < last; ox++) line[ox * cols.Stride] += s[ox];
                        }
                    }
                }
            }
        }
    }

    /// <summary>Scalar reference twin of <see cref="Unfold"/>.</summary>
    public static void UnfoldReference(ReadOnlySpan<float> input, int batch, int channels, Window rows, Window cols, Span<float> col)
    {
        foreach (var (entry, pixel) in Taps(batch, channels, rows, cols)) col[entry] = pixel < 0 ? 0 : input[pixel];
    }

    /// <summary>Scalar reference twin of <see cref="Fold"/>.</summary>
    public static void FoldReference(ReadOnlySpan<float> col, int batch, int channels, Window rows, Window cols, Span<float> input)
    {
        input.Slice(0, batch * channels * rows.Input * cols.Input).Clear();
        foreach (var (entry, pixel) in Taps(batch, channels, rows, cols))
            if (pixel >= 0) input[pixel] += col[entry];
    }

    /// <summary>
    /// The reference twins' walk: every entry of the column matrix, row r = (c·kH + i)·kW + j and column
    /// (n·oH + oy)·oW + ox, with the input pixel it copies, ((n·C + c)·H + iy)·W + ix, or −1 in the padding.
    /// </summary>
    private static IEnumerable<(int Entry, int Pixel)> Taps(int batch, int channels, Window rows, Window cols)
    {
        int columns = batch * rows.Output * cols.Output;
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < rows.Kernel; i++)
                for (int j = 0; j < cols.Kernel; j++)
                    for (int n = 0; n < batch; n++)
                        for (int oy = 0; oy < rows.Output; oy++)
                            for (int ox = 0; ox < cols.Output; ox++)
                            {
                                int iy = oy * rows.Stride - rows.PadBefore + i, ix = ox * cols.Stride - cols.PadBefore + j;
                                bool inside = iy >= 0 && iy < rows.Input && ix >= 0 && ix < cols.Input;
                                int r = (c * rows.Kernel + i) * cols.Kernel + j;
                                yield return (r * columns + (n * rows.Output + oy) * cols.Output + ox,
                                    inside ? ((n * channels + c) * rows.Input + iy) * cols.Input + ix : -1);
                            }
    }
}
