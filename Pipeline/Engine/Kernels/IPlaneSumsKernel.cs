namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// A convolution kernel whose output pass can also give each output plane's (Σy, Σy²), as
/// <see cref="FusedPasses.SumAndDot"/> gives them, while the plane is in cache (<see cref="Tensors.PlaneSums"/>).
/// </summary>
internal interface IPlaneSumsKernel : IConvolutionKernel
{
    /// <summary>Forward, and with a non-empty <paramref name="planeSums"/> [N, F, 2] each output plane's sums.</summary>
    void Forward(ReadOnlySpan<float> x, int batch, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y,
        Span<float> planeSums);
}
