namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// A 2-D convolution's three passes over a batch, for one layer's geometry (fixed at construction):
/// y [N, F, Ho, Wo] = conv(x [N, C, H, W], W [F, C, k, k]) + b, and dW, db, dx from dy.
/// </summary>
public interface IConvolutionKernel
{
    int Threads { get; }

    /// <summary>y = conv(x, W) + b (b may be empty).</summary>
    void Forward(ReadOnlySpan<float> x, int batch, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y);

    /// <summary>dW, db (may be empty) and dx (may be empty: not needed) from dy and the forward input x.</summary>
    void Backward(ReadOnlySpan<float> x, int batch, ReadOnlySpan<float> weights, ReadOnlySpan<float> dy,
        Span<float> dWeights, Span<float> dBias, Span<float> dx);
}
