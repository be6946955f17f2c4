using System.Globalization;
using MlNetFashion.Pipeline;
using MlNetFashion.Pipeline.Evaluation;
using Spectre.Console;

namespace MlNetFashion.Training.Terminal;

/// <summary>The evaluation as Spectre tables: headline, per-class precision/recall/F1, confusion matrix.</summary>
internal static class ReportTables
{
    public static void Print(ClassificationReport report, int images)
    {
        var c = CultureInfo.InvariantCulture;
        // Bound to Console.Out as it is now (redirections by callers and tests included).
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Out) });
        console.WriteLine(string.Create(c, $"test images {images:N0}: accuracy {report.Accuracy:P2}, macro accuracy {report.MacroAccuracy:P2}, log-loss {report.LogLoss:F4}"));
        var perClass = new Table().AddColumns("class", "precision", "recall", "F1", "support");
        foreach (var m in report.PerClass)
            perClass.AddRow(Markup.Escape(m.Label), m.Precision.ToString("F4", c), m.Recall.ToString("F4", c), m.F1.ToString("F4", c), m.Support.ToString("N0", c));
        console.Write(perClass);
        var matrix = new Table().AddColumn("actual \\ predicted");
        foreach (string name in FashionMnistClasses.Names) matrix.AddColumn(Markup.Escape(Short(name)));
        for (int r = 0; r < report.ConfusionMatrix.Length; r++)
            matrix.AddRow([Markup.Escape(FashionMnistClasses.Names[r]), .. report.ConfusionMatrix[r].Select(v => v.ToString(c))]);
        console.Write(matrix);
    }

    private static string Short(string name) => name.Length <= 8 ? name : name[..7] + ".";
}
