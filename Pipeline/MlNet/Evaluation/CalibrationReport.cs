using MlNetFashion.Engine.Calibration;

namespace MlNetFashion.Pipeline.Evaluation;

/// <summary>
/// How well the exported model's confidence matches its accuracy on the test images, before (softmax of the raw
/// logits) and after temperature scaling, in <see cref="CalibrationError.DefaultBins"/> equal-width bins.
/// </summary>
public sealed record CalibrationReport(
    double Temperature,
    double EceBefore,
    double EceAfter,
    IReadOnlyList<CalibrationError.Bin> Before,
    IReadOnlyList<CalibrationError.Bin> After,
    InDistributionRule? InDistribution,
    int HeldOutImages,
    string? Note)
{
    /// <summary>
    /// Bins the exported model's calibrated <paramref name="probabilities"/> [n, classes] (softmax(z / T), as the evaluation
    /// scored them) with the calibration's T and, unscaled (<see cref="TemperatureScaling.Unscale"/>), with T = 1.
    /// </summary>
    public static CalibrationReport From(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, ModelCalibration calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        if (labels.IsEmpty || probabilities.Length % labels.Length != 0)
            throw new ArgumentException(
                $"calibration report: expected [{labels.Length}, classes] probabilities. Received {probabilities.Length}.",
                nameof(probabilities));
        int classes = probabilities.Length / labels.Length;
        var before = new float[probabilities.Length];
        TemperatureScaling.Unscale(probabilities, classes, calibration.Temperature, before);
        return new CalibrationReport(calibration.Temperature,
            CalibrationError.Expected(before, labels, classes), CalibrationError.Expected(probabilities, labels, classes),
            CalibrationError.Reliability(before, labels, classes), CalibrationError.Reliability(probabilities, labels, classes),
            calibration.InDistribution, calibration.HeldOutImages, calibration.Note);
    }
}
