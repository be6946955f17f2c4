using MlNetFashion.Engine.Training;
using MlNetFashion.Pipeline.Evaluation;

namespace MlNetFashion.Pipeline.Reporting;

/// <summary>Everything a finished run reports: metrics.json, history.csv and report.html are views of it.</summary>
/// <param name="NetName">The preset's name, or the model spec file's name without its extension (what outputs call the preset).</param>
public sealed record TrainingRunSummary(
    string NetName,
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlyList<EpochMetrics> History,
    int BestEpoch,
    double TrainSeconds,
    double TotalSeconds,
    double TrainImagesPerSecond,
    ClassificationReport Test,
    double OnnxMaxAbsDiff,
    string? StopReason)
{
    /// <summary>With test-time views: the accuracy of the same weights on the image alone (model-single-view.onnx).</summary>
    public double? SingleViewAccuracy { get; init; }

    /// <summary>The checkpoint's epoch a --resume run started from (0: trained from scratch); TrainSeconds and
    /// TrainImagesPerSecond cover only the epochs after it.</summary>
    public int ResumedFromEpoch { get; init; }

    /// <summary>Test images the ONNX check compared (<see cref="OnnxMaxAbsDiff"/> is their largest |Δp|).</summary>
    public int OnnxCheckedImages { get; init; }

    /// <summary>The temperature, the in-distribution rule and the test set's calibration error before and after.</summary>
    public CalibrationReport? Calibration { get; init; }
}
