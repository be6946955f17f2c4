using System.Globalization;
using MlNetFashion.Pipeline.Evaluation;
using Spectre.Console;

namespace MlNetFashion.Training.Terminal;

/// <summary>The evaluation as Spectre tables: headline, per-class precision/recall/F1, confusion matrix.</summary>
internal static class ReportTables
{
    public static void Print(ClassificationReport report, int images, string dataDirectory)
    {
        var c = CultureInfo.InvariantCulture;
        // Bound to Console.Out as it is now (redirections by callers and tests included).
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Out) });
        console.WriteLine(string.Create(c, $"{images:N0} test images from {dataDirectory}: accuracy {report.Accuracy:P2}, " +
            $"macro accuracy {report.MacroAccuracy:P2}, log-loss {report.LogLoss:F4}"));
        var perClass = new Table().AddColumns("class", "precision", "recall", "F1", "support");
        foreach (var m in report.PerClass)
            perClass.AddRow(Markup.Escape(m.Label), m.Precision.ToString("F4", c), m.Recall.ToString("F4", c), m.F1.ToString("F4", c),
                m.Support.ToString("N0", c));
        console.Write(perClass);
        // Classes by number across (the predicted class) so the ten counts fit 80 columns: with names they wrapped
        // into three-line rows when output was piped or the terminal narrow.
        var matrix = new Table().Border(TableBorder.Simple).AddColumn("actual \\ predicted");
        for (int k = 0; k < report.ConfusionMatrix.Length; k++) matrix.AddColumn(new TableColumn(k.ToString(c)).RightAligned().PadLeft(0));
        for (int r = 0; r < report.ConfusionMatrix.Length; r++)
        {
            string name = string.Create(c, $"{r} {report.PerClass[r].Label}");
            matrix.AddRow([Markup.Escape(name), .. report.ConfusionMatrix[r].Select(v => v.ToString(c))]);
        }
        console.Write(matrix);
    }
}
