namespace MlNetFashion.Engine.Calibration;

/// <summary>
/// Expected calibration error over equal-width confidence bins: ECE = Σ_b (n_b / n) · |accuracy_b − confidence_b|,
/// where an image falls in bin ⌈conf · B⌉ − 1 by its top probability (bins (0, 1/B], …, ((B−1)/B, 1]).
/// </summary>
public static class CalibrationError
{
    /// <summary>The bin count of the usual report (Guo et al., 2017).</summary>
    public const int DefaultBins = 15;

    /// <summary>One bin of a reliability diagram: its images, their mean top probability and their accuracy.</summary>
    public readonly record struct Bin(double Lower, double Upper, int Count, double Confidence, double Accuracy);

    public static double Expected(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, int classes, int bins = DefaultBins)
    {
        Bin[] reliability = Reliability(probabilities, labels, classes, bins);
        double ece = 0;
        foreach (Bin b in reliability) ece += (double)b.Count / labels.Length * Math.Abs(b.Accuracy - b.Confidence);
        return ece;
    }

    /// <summary>The <paramref name="bins"/> equal-width bins of top probability (empty bins have Count 0).</summary>
    public static Bin[] Reliability(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, int classes, int bins = DefaultBins)
    {
        if (classes <= 0 || probabilities.Length != labels.Length * classes)
            throw new ArgumentException(
                $"Calibration error: expected {labels.Length} × {classes} probabilities. Received {probabilities.Length}.",
                nameof(probabilities));
        if (bins <= 0) throw new ArgumentOutOfRangeException(nameof(bins), bins, "Calibration error: expected at least one bin.");
        var count = new int[bins];
        var confidence = new double[bins];
        var correct = new double[bins];
        for (int n = 0; n < labels.Length; n++)
        {
            ReadOnlySpan<float> p = probabilities.Slice(n * classes, classes);
            int top = 0;
            for (int k = 1; k < classes; k++) if (p[k] > p[top]) top = k;
            int bin = Math.Clamp((int)Math.Ceiling(p[top] * (double)bins) - 1, 0, bins - 1);
            count[bin]++;
            confidence[bin] += p[top];
            if (top == labels[n]) correct[bin]++;
        }
        var result = new Bin[bins];
        for (int b = 0; b < bins; b++)
            result[b] = new Bin((double)b / bins, (double)(b + 1) / bins, count[b],
                count[b] == 0 ? 0 : confidence[b] / count[b], count[b] == 0 ? 0 : correct[b] / count[b]);
        return result;
    }
}
