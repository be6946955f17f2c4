using MlNetFashion.Engine.Calibration;
using MlNetFashion.Pipeline.Evaluation;

namespace MlNetFashion.Pipeline.Tests.Evaluation;

public class CalibrationReportTests
{
    [Fact]
    public void From_CalibratedProbabilities_BinsThemAndTheirUnscaledSoftmax()
    {
        const int classes = 10, images = 500;
        const double temperature = 0.7;
        var random = new Random(5);
        float[] logits = [.. Enumerable.Range(0, images * classes).Select(_ => (float)(random.NextDouble() * 10 - 5))];
        int[] labels = [.. Enumerable.Range(0, images).Select(_ => random.Next(classes))];
        var raw = new float[logits.Length];
        var calibrated = new float[logits.Length];
        TemperatureScaling.Softmax(logits, classes, 1, raw);
        TemperatureScaling.Softmax(logits, classes, temperature, calibrated);

        CalibrationReport report = CalibrationReport.From(calibrated, labels, new ModelCalibration(temperature, null, 100, null));

        Assert.Equal(temperature, report.Temperature);
        Assert.Equal(CalibrationError.Expected(calibrated, labels, classes), report.EceAfter);
        Assert.Equal(CalibrationError.Expected(raw, labels, classes), report.EceBefore, 1e-5);
        Assert.NotEqual(report.EceBefore, report.EceAfter);
        Assert.Equal(CalibrationError.Reliability(raw, labels, classes).Select(b => b.Count),
            report.Before.Select(b => b.Count));
    }

    [Fact]
    public void From_ProbabilitiesNotAMultipleOfTheImages_ThrowsNamingThem()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            CalibrationReport.From(new float[25], new int[10], ModelCalibration.None("none")));

        Assert.Contains("expected [10, classes] probabilities. Received 25", error.Message);
    }
}
