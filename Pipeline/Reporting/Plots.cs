using MlNetFashion.Engine.IO;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Pipeline.Reporting;

/// <summary>The report's pictures, drawn with ScottPlot and written as PNG (temp file, then rename).</summary>
public static class Plots
{
    /// <summary>Loss and accuracy per epoch, training vs validation: two PNGs.</summary>
    public static void LearningCurves(IReadOnlyList<EpochMetrics> history, string lossPath, string accuracyPath)
    {
        double[] epochs = [.. history.Select(h => (double)h.Epoch)];
        var loss = new ScottPlot.Plot();
        Curve(loss, "Loss", epochs, [.. history.Select(h => (double)h.Loss)], Valid(history.Select(h => h.ValidationLoss)),
            ScottPlot.Alignment.UpperRight);
        Save(lossPath, loss, 560, 380);
        var accuracy = new ScottPlot.Plot();
        Curve(accuracy, "Accuracy", epochs, [.. history.Select(h => (double)h.Accuracy)], Valid(history.Select(h => h.ValidationAccuracy)),
            ScottPlot.Alignment.LowerRight);
        Save(accuracyPath, accuracy, 560, 380);
    }

    private static double[]? Valid(IEnumerable<float?> values) =>
        values.All(v => v is not null) ? [.. values.Select(v => (double)v!.Value)] : null;

    /// <summary><paramref name="legend"/>: the corner the curves leave empty (loss falls, accuracy rises).</summary>
    private static void Curve(ScottPlot.Plot plot, string title, double[] epochs, double[] train, double[]? validation,
        ScottPlot.Alignment legend)
    {
        var t = plot.Add.Scatter(epochs, train);
        t.LegendText = "training";
        if (validation is { Length: > 0 })
        {
            var v = plot.Add.Scatter(epochs, validation);
            v.LegendText = "validation";
        }
        plot.Title(title);
        plot.XLabel("epoch");
        // Whole epochs only (the default generator labels 1.5, 2.5 … on short runs); long runs get a coarser step.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(Math.Max(1, Math.Ceiling(epochs.Length / 12.0)));
        plot.ShowLegend(legend);
    }

    /// <summary>Confusion matrix as a heat map (row = actual, column = predicted), counts written in the cells.</summary>
    public static void ConfusionMatrix(long[][] counts, IReadOnlyList<string> labels, string path)
    {
        int k = counts.Length;
        var data = new double[k, k];
        for (int r = 0; r < k; r++) for (int c = 0; c < k; c++) data[r, c] = Math.Log10(1 + counts[r][c]);
        var plot = new ScottPlot.Plot();
        var heatmap = plot.Add.Heatmap(data);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        for (int r = 0; r < k; r++)
            for (int c = 0; c < k; c++)
            {
                var text = plot.Add.Text(counts[r][c].ToString(System.Globalization.CultureInfo.InvariantCulture), c, k - 1 - r);
                text.LabelFontColor = data[r, c] > 2 ? ScottPlot.Colors.Black : ScottPlot.Colors.White;
                text.LabelFontSize = 11;
                text.LabelAlignment = ScottPlot.Alignment.MiddleCenter;
            }
        double[] positions = [.. Enumerable.Range(0, k).Select(i => (double)i)];
        plot.Axes.Bottom.SetTicks(positions, [.. labels]);
        plot.Axes.Left.SetTicks([.. positions.Reverse()], [.. labels]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = ScottPlot.Alignment.MiddleLeft;
        // Room under the heat map for the 45° labels ("T-shirt/top", "Ankle boot") and the axis title below them.
        plot.Axes.Bottom.MinimumSize = 110;
        plot.XLabel("predicted");
        plot.YLabel("actual");
        plot.Title("Confusion matrix (test set)");
        Save(path, plot, 760, 700);
    }

    /// <summary>One box per series (k-fold accuracies), with the points on top.</summary>
    public static void BoxPlot(string title, IReadOnlyList<(string Name, double[] Values)> series, string path)
    {
        var plot = new ScottPlot.Plot();
        for (int i = 0; i < series.Count; i++)
        {
            double[] v = [.. series[i].Values.Order()];
            double Q(double q) => v[(int)Math.Round(q * (v.Length - 1))];
            plot.Add.Box(new ScottPlot.Box
            {
                Position = i, WhiskerMin = v[0], BoxMin = Q(0.25), BoxMiddle = Q(0.5), BoxMax = Q(0.75), WhiskerMax = v[^1],
            });
            plot.Add.ScatterPoints(Enumerable.Repeat((double)i, v.Length).ToArray(), v);
        }
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, series.Count).Select(i => (double)i)], [.. series.Select(s => s.Name)]);
        plot.Title(title);
        Save(path, plot, 600, 420);
    }

    private static void Save(string path, ScottPlot.Plot plot, int width, int height) =>
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png));
}
