using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Kernels;

/// <summary>The scalar reference twins of <see cref="PoolKernel"/>'s passes, one output cell at a time, for the tests.</summary>
public static partial class PoolKernel
{
    /// <summary>Scalar reference twin of <see cref="MaxForward"/> (values only).</summary>
    public static void MaxReference(ReadOnlySpan<float> x, int planes, Window rows, Window cols, Span<float> y)
    {
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < rows.Output; oy++)
                for (int ox = 0; ox < cols.Output; ox++)
                {
                    float best = float.NegativeInfinity;
                    for (int i = 0; i < rows.Kernel; i++)
                        for (int j = 0; j < cols.Kernel; j++)
                        {
                            int iy = oy * rows.Stride - rows.PadBefore + i, ix = ox * cols.Stride - cols.PadBefore + j;
                            if (iy >= 0 && iy < rows.Input && ix >= 0 && ix < cols.Input)
                                best = Math.Max(best, x[(p * rows.Input + iy) * cols.Input + ix]);
                        }
                    y[(p * rows.Output + oy) * cols.Output + ox] = best;
                }
    }

    /// <summary>Scalar reference twin of <see cref="MaxBackward"/>: each dy goes to the first maximal cell of its window.</summary>
    public static void MaxBackwardReference(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int planes, Window rows, Window cols,
        Span<float> dx)
    {
        dx.Slice(0, planes * rows.Input * cols.Input).Clear();
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < rows.Output; oy++)
                for (int ox = 0; ox < cols.Output; ox++)
                {
                    float best = float.NegativeInfinity;
                    int winner = -1;
                    for (int i = 0; i < rows.Kernel; i++)
                        for (int j = 0; j < cols.Kernel; j++)
                        {
                            int iy = oy * rows.Stride - rows.PadBefore + i, ix = ox * cols.Stride - cols.PadBefore + j;
                            if (iy < 0 || iy >= rows.Input || ix < 0 || ix >= cols.Input) continue;
                            int index = (p * rows.Input + iy) * cols.Input + ix;
                            if (x[index] > best) (best, winner) = (x[index], index);
                        }
                    dx[winner] += dy[(p * rows.Output + oy) * cols.Output + ox];
                }
    }

    /// <summary>Scalar reference twin of <see cref="AverageForward"/> (cells outside the input are not counted).</summary>
    public static void AverageReference(ReadOnlySpan<float> x, int planes, Window rows, Window cols, Span<float> y)
    {
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < rows.Output; oy++)
                for (int ox = 0; ox < cols.Output; ox++)
                {
                    double sum = 0;
                    int count = 0;
                    for (int i = 0; i < rows.Kernel; i++)
                        for (int j = 0; j < cols.Kernel; j++)
                        {
                            int iy = oy * rows.Stride - rows.PadBefore + i, ix = ox * cols.Stride - cols.PadBefore + j;
                            if (iy < 0 || iy >= rows.Input || ix < 0 || ix >= cols.Input) continue;
                            sum += x[(p * rows.Input + iy) * cols.Input + ix];
                            count++;
                        }
                    y[(p * rows.Output + oy) * cols.Output + ox] = (float)(sum / count);
                }
    }

    /// <summary>Scalar reference twin of <see cref="AverageBackward"/>.</summary>
    public static void AverageBackwardReference(ReadOnlySpan<float> dy, int planes, Window rows, Window cols, Span<float> dx)
    {
        dx.Slice(0, planes * rows.Input * cols.Input).Clear();
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < rows.Output; oy++)
                for (int ox = 0; ox < cols.Output; ox++)
                {
                    int count = 0;
                    for (int pass = 0; pass < 2; pass++)
                        for (int i = 0; i < rows.Kernel; i++)
                            for (int j = 0; j < cols.Kernel; j++)
                            {
                                int iy = oy * rows.Stride - rows.PadBefore + i, ix = ox * cols.Stride - cols.PadBefore + j;
                                if (iy < 0 || iy >= rows.Input || ix < 0 || ix >= cols.Input) continue;
                                if (pass == 0) count++;
                                else dx[(p * rows.Input + iy) * cols.Input + ix] += dy[(p * rows.Output + oy) * cols.Output + ox] / count;
                            }
                }
    }
}
