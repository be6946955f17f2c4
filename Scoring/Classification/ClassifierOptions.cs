namespace MlNetFashion.Scoring.Classification;

/// <summary>How a classifier scores.</summary>
public sealed record ClassifierOptions
{
    /// <summary>Score on this CUDA device when ONNX Runtime's CUDA provider is usable; otherwise the CPU (see GpuStatus).</summary>
    public int? GpuDeviceId { get; init; }
}
