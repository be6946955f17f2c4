using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Engine.Calibration;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Runs;

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
    /// <summary>Test images per ONNX Runtime call: bounds the arena (see <see cref="OnnxCheck"/>).</summary>
    private const int Batch = 100;

    /// <summary>Scores <paramref name="test"/> through <paramref name="onnx"/>'s raw "logits" and bins them with T = 1 and with the
    /// calibration's T.</summary>
    public static CalibrationReport From(byte[] onnx, FashionMnistSplit test, ModelCalibration calibration, int views = 1)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(calibration);
        using var session = new InferenceSession(onnx);
        float[] logits = OnnxBatches.Run(session, test.ScaledPixels(), test.Count, Math.Max(1, Batch / views), OnnxExporter.LogitsName);
        int[] labels = [.. test.Labels];
        int classes = logits.Length / Math.Max(1, labels.Length);
        var before = new float[logits.Length];
        var after = new float[logits.Length];
        TemperatureScaling.Softmax(logits, classes, 1, before);
        TemperatureScaling.Softmax(logits, classes, calibration.Temperature, after);
        return new CalibrationReport(calibration.Temperature,
            CalibrationError.Expected(before, labels, classes), CalibrationError.Expected(after, labels, classes),
            CalibrationError.Reliability(before, labels, classes), CalibrationError.Reliability(after, labels, classes),
            calibration.InDistribution, calibration.HeldOutImages, calibration.Note);
    }
}
