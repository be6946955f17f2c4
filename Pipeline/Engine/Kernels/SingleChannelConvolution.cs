using System.Runtime.Intrinsics;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Forward of a stride-1 convolution with ONE input channel (the first layer on grayscale images), computed directly:
/// y[n, f, oy, ox] = b[f] + Σ_{i,j} W[f, i, j]·xpad[n, oy + i, ox + j], 16 outputs of a row per AVX-512 vector.
/// im2col + GEMM wastes its effort here (GEMM depth k·k = 9, then a 12.8 MB layout move at 128×32×28×28).
/// Each sample is first copied into a zero-padded plane (per-thread scratch). Rows shorter than 16 are not handled
/// (<see cref="Supports"/>); the last vector of a row overlaps the previous one, so no lane is ever written out of row.
/// Scalar reference twin: <see cref="ConvolutionReference.Forward"/> with one channel.
/// </summary>
public static unsafe class SingleChannelConvolution
{
    public static bool Supports(int channels, Window rows, Window cols) =>
        Vector512.IsHardwareAccelerated && channels == 1 && rows.Stride == 1 && cols.Stride == 1 && cols.Output >= 16;

    /// <summary>Floats of padded-plane scratch one thread needs.</summary>
    public static int ScratchSize(Window rows, Window cols) => (rows.Output + rows.Kernel - 1) * (cols.Output + cols.Kernel - 1);

    /// <summary>Samples [first, last) of x [N, 1, H, W] → y [N, F, Ho, Wo]; bias may be null.</summary>
    public static void Forward(float* x, int first, int last, Window rows, Window cols, float* weights, float* bias, int filters, float* y, Span<float> scratch)
    {
        int kh = rows.Kernel, kw = cols.Kernel, wp = cols.Output + kw - 1, hp = rows.Output + kh - 1;
        int inPlane = rows.Input * cols.Input, outPlane = rows.Output * cols.Output;
        fixed (float* pad = scratch)
        {
            for (int n = first; n < last; n++)
            {
                // xpad[r, c] = x[r − padTop, c − padLeft], zero outside.
                scratch.Slice(0, hp * wp).Clear();
                for (int r = 0; r < rows.Input; r++)
                    new ReadOnlySpan<float>(x + (long)n * inPlane + r * cols.Input, cols.Input).CopyTo(new Span<float>(pad + (r + rows.PadBefore) * wp + cols.PadBefore, cols.Input));
                for (int f = 0; f < filters; f++)
                {
                    float* w = weights + f * kh * kw;
                    var b = Vector512.Create(bias == null ? 0f : bias[f]);
                    float* dst = y + ((long)n * filters + f) * outPlane;
                    for (int oy = 0; oy < rows.Output; oy++)
                    {
                        for (int ox = 0; ; ox += 16)
                        {
                            int start = Math.Min(ox, cols.Output - 16);
                            Vector512<float> acc = b;
                            for (int i = 0; i < kh; i++)
                            {
                                float* line = pad + (oy + i) * wp + start;
                                for (int j = 0; j < kw; j++) acc = Vector512.FusedMultiplyAdd(Vector512.Load(line + j), Vector512.Create(w[i * kw + j]), acc);
                            }
                            acc.Store(dst + oy * cols.Output + start);
                            if (start + 16 >= cols.Output) break;
                        }
                    }
                }
            }
        }
    }
}
