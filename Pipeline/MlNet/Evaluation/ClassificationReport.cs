using Microsoft.ML.Data;

namespace MlNetFashion.Pipeline.Evaluation;

/// <summary>Precision, recall, F1 and support of one class (the paper's Table 1 columns).</summary>
public sealed record ClassMetrics(string Label, double Precision, double Recall, double F1, long Support);

/// <summary>
/// Accuracy, log-loss, per-class table and confusion matrix (rows: actual, columns: predicted) of a multiclass
/// evaluation, computed from ML.NET's metrics so the figures are the ones ML.NET users get.
/// </summary>
public sealed record ClassificationReport(double Accuracy, double MacroAccuracy, double LogLoss, IReadOnlyList<ClassMetrics> PerClass,
    long[][] ConfusionMatrix)
{
    /// <param name="classNames">What classes 0 … K−1 stand for; null: Fashion-MNIST's.</param>
    public static ClassificationReport From(MulticlassClassificationMetrics metrics, IReadOnlyList<string>? classNames = null)
    {
        classNames ??= FashionMnistClasses.Names;
        ArgumentNullException.ThrowIfNull(metrics);
        ConfusionMatrix matrix = metrics.ConfusionMatrix;
        int k = matrix.NumberOfClasses;
        long[][] counts =
            [.. Enumerable.Range(0, k).Select(r => Enumerable.Range(0, k).Select(c => (long)Math.Round(matrix.Counts[r][c])).ToArray())];
        var perClass = new List<ClassMetrics>();
        for (int c = 0; c < k; c++)
        {
            long truePositive = counts[c][c];
            long predicted = Enumerable.Range(0, k).Sum(r => counts[r][c]);
            long support = counts[c].Sum();
            double precision = predicted == 0 ? 0 : (double)truePositive / predicted;
            double recall = support == 0 ? 0 : (double)truePositive / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            string label = c < classNames.Count ? classNames[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture);
            perClass.Add(new ClassMetrics(label, precision, recall, f1, support));
        }
        return new ClassificationReport(metrics.MicroAccuracy, metrics.MacroAccuracy, metrics.LogLoss, perClass, counts);
    }
}
