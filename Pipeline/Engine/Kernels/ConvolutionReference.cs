using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Scalar reference twin of <see cref="ConvolutionKernel"/>: the direct definition, accumulated in double.
/// y[n, f, oy, ox] = b[f] + Σ_{c,i,j} W[f, c, i, j]·x[n, c, oy·s − padTop + i, ox·s − padLeft + j] (zero outside),
/// and its adjoints dW, db, dx.
/// </summary>
public static class ConvolutionReference
{
    public static void Forward(ReadOnlySpan<float> x, int batch, int channels, int filters, Window rows, Window cols,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y)
    {
        for (int n = 0; n < batch; n++)
            for (int f = 0; f < filters; f++)
                for (int oy = 0; oy < rows.Output; oy++)
                    for (int ox = 0; ox < cols.Output; ox++)
                    {
                        double sum = bias.IsEmpty ? 0 : bias[f];
                        for (int c = 0; c < channels; c++)
                            for (int i = 0; i < rows.Kernel; i++)
                                for (int j = 0; j < cols.Kernel; j++)
                                {
                                    if (Tap(n, f, c, i, j, oy, ox, channels, rows, cols) is (int xi, int wi))
                                        sum += (double)x[xi] * weights[wi];
                                }
                        y[((n * filters + f) * rows.Output + oy) * cols.Output + ox] = (float)sum;
                    }
    }

    /// <summary>dW, db (may be empty) and dx (may be empty) from dy.</summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int batch, int channels, int filters, Window rows,
        Window cols, ReadOnlySpan<float> weights, Span<float> dWeights, Span<float> dBias, Span<float> dx)
    {
        var dw = new double[filters * channels * rows.Kernel * cols.Kernel];
        var db = new double[filters];
        var dxd = new double[batch * channels * rows.Input * cols.Input];
        for (int n = 0; n < batch; n++)
            for (int f = 0; f < filters; f++)
                for (int oy = 0; oy < rows.Output; oy++)
                    for (int ox = 0; ox < cols.Output; ox++)
                    {
                        double g = dy[((n * filters + f) * rows.Output + oy) * cols.Output + ox];
                        db[f] += g;
                        for (int c = 0; c < channels; c++)
                            for (int i = 0; i < rows.Kernel; i++)
                                for (int j = 0; j < cols.Kernel; j++)
                                {
                                    if (Tap(n, f, c, i, j, oy, ox, channels, rows, cols) is not (int xi, int wi)) continue;
                                    dw[wi] += g * x[xi];
                                    dxd[xi] += g * weights[wi];
                                }
                    }
        for (int i = 0; i < dw.Length; i++) dWeights[i] = (float)dw[i];
        if (!dBias.IsEmpty) for (int i = 0; i < filters; i++) dBias[i] = (float)db[i];
        if (!dx.IsEmpty) for (int i = 0; i < dxd.Length; i++) dx[i] = (float)dxd[i];
    }

    /// <summary>(input index, weight index) of tap (c, i, j) of output (n, f, oy, ox), or null when it falls in the padding.</summary>
    private static (int Input, int Weight)? Tap(int n, int f, int c, int i, int j, int oy, int ox, int channels, Window rows, Window cols)
    {
        int iy = oy * rows.Stride - rows.PadBefore + i, ix = ox * cols.Stride - cols.PadBefore + j;
        if (iy < 0 || iy >= rows.Input || ix < 0 || ix >= cols.Input) return null;
        return (((n * channels + c) * rows.Input + iy) * cols.Input + ix, ((f * channels + c) * rows.Kernel + i) * cols.Kernel + j);
    }
}
