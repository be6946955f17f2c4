namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Moves between the batch-major layout layers exchange, x [N, C, L], and the channel-major layout GEMM produces,
/// y [C, N·L] (L = H·W). ToBatchMajor also adds a per-channel bias on the way (conv forward); ToChannelMajor
/// optionally sums each channel (the bias gradient of conv backward).
/// </summary>
public static unsafe class ChannelMajor
{
    /// <summary>dst[n, c, l] = src[c, n·L + l] + bias[c] (bias may be empty).</summary>
    public static void ToBatchMajor(ReadOnlySpan<float> src, ReadOnlySpan<float> bias, int batch, int channels, int length, Span<float> dst)
    {
        fixed (float* s = src)
        fixed (float* b = bias)
        fixed (float* d = dst)
        {
            Parallelism.For(channels, new ToBatchBody(s, bias.IsEmpty ? null : b, d, batch, channels, length));
        }
    }

    /// <summary>dst[c, n·L + l] = src[n, c, l]; channelSums[c] = Σ over n, l (when not empty).</summary>
    public static void ToChannelMajor(ReadOnlySpan<float> src, int batch, int channels, int length, Span<float> dst,
        Span<float> channelSums)
    {
        fixed (float* s = src)
        fixed (float* d = dst)
        fixed (float* sums = channelSums)
        {
            Parallelism.For(channels, new ToChannelBody(s, d, channelSums.IsEmpty ? null : sums, batch, channels, length));
        }
    }

    private readonly struct ToBatchBody(float* src, float* bias, float* dst, int batch, int channels, int length) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            for (int c = start; c < end; c++)
            {
                float b = bias == null ? 0 : bias[c];
                for (int n = 0; n < batch; n++)
                {
                    var from = new ReadOnlySpan<float>(src + ((long)c * batch + n) * length, length);
                    var to = new Span<float>(dst + ((long)n * channels + c) * length, length);
                    if (b == 0) from.CopyTo(to);
                    else System.Numerics.Tensors.TensorPrimitives.Add(from, b, to);
                }
            }
        }
    }

    private readonly struct ToChannelBody(float* src, float* dst, float* sums, int batch, int channels, int length) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            for (int c = start; c < end; c++)
            {
                double sum = 0;
                for (int n = 0; n < batch; n++)
                {
                    var from = new ReadOnlySpan<float>(src + ((long)n * channels + c) * length, length);
                    from.CopyTo(new Span<float>(dst + ((long)c * batch + n) * length, length));
                    if (sums != null) sum += System.Numerics.Tensors.TensorPrimitives.Sum(from);
                }
                if (sums != null) sums[c] = (float)sum;
            }
        }
    }

    /// <summary>Scalar reference twin of <see cref="ToBatchMajor"/>.</summary>
    public static void ToBatchMajorReference(ReadOnlySpan<float> src, ReadOnlySpan<float> bias, int batch, int channels, int length,
        Span<float> dst)
    {
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < channels; c++)
                for (int l = 0; l < length; l++)
                    dst[(n * channels + c) * length + l] = src[(c * batch + n) * length + l] + (bias.IsEmpty ? 0 : bias[c]);
    }

    /// <summary>Scalar reference twin of <see cref="ToChannelMajor"/>.</summary>
    public static void ToChannelMajorReference(ReadOnlySpan<float> src, int batch, int channels, int length, Span<float> dst,
        Span<float> channelSums)
    {
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int n = 0; n < batch; n++)
                for (int l = 0; l < length; l++)
                {
                    float v = src[(n * channels + c) * length + l];
                    dst[(c * batch + n) * length + l] = v;
                    sum += v;
                }
            if (!channelSums.IsEmpty) channelSums[c] = (float)sum;
        }
    }
}
