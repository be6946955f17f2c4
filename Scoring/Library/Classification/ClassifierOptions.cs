namespace MlNetFashion.Scoring.Classification;

/// <summary>How a classifier scores.</summary>
public sealed record ClassifierOptions
{
    /// <summary>Score on this CUDA device when ONNX Runtime's CUDA provider is usable; otherwise the CPU (see GpuStatus).</summary>
    public int? GpuDeviceId { get; init; }

    /// <summary>
    /// ONNX Runtime threads per prediction (default: all cores, the lowest latency for one caller). A server with many
    /// concurrent requests may prefer 1: the requests then run side by side instead of sharing the cores.
    /// </summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>
    /// The in-distribution score an image needs to be a garment (<see cref="Prediction.IsKnownClass"/>); null: the
    /// model's own threshold (95 % of held-out garments accepted). Raise it to refuse more non-garments, at the cost of
    /// refusing more garments.
    /// </summary>
    public double? InDistributionThreshold { get; init; }
}
