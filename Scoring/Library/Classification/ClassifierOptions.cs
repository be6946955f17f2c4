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
    /// model's own threshold (chosen so 95 % of new garments pass). Raise it to refuse more non-garments, at the cost of
    /// refusing more garments.
    /// </summary>
    public double? InDistributionThreshold { get; init; }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    internal void Validate()
    {
        if (GpuDeviceId is < 0)
            throw new ArgumentOutOfRangeException(nameof(GpuDeviceId), GpuDeviceId, $"{nameof(GpuDeviceId)}: expected a device id ≥ 0");
        if (IntraOpThreads is < 1)
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, $"{nameof(IntraOpThreads)}: expected at least 1");
        // NaN would fail every comparison: every image "not a garment".
        if (InDistributionThreshold is double threshold && double.IsNaN(threshold))
            throw new ArgumentOutOfRangeException(nameof(InDistributionThreshold), threshold,
                $"{nameof(InDistributionThreshold)}: expected a number (or null for the model's own)");
    }
}
