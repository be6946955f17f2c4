using System.Globalization;
using System.Net;
using System.Text;
using MlNetFashion.Engine.Calibration;
using MlNetFashion.Pipeline.Evaluation;

namespace MlNetFashion.Pipeline.Reporting;

/// <summary>
/// The report's calibration section: ECE before and after temperature scaling and a reliability diagram as inline SVG
/// (accuracy per confidence bin, the diagonal being perfect calibration), so it needs no image file.
/// </summary>
public static class ReliabilityDiagram
{
    private const int Size = 300, Margin = 36;

    public static string Section(CalibrationReport c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <h2>Calibration</h2>
            <p class="sub">Temperature {c.Temperature:F3} fitted on {c.HeldOutImages:N0} held-out images{Note(c)}. Expected calibration
            error on the test images ({c.After.Count} bins): {c.EceBefore:P2} before, <b>{c.EceAfter:P2}</b> after.{Rule(c)}</p>
            <div class="row">{Svg("before (softmax of the raw logits)", c.Before)}{Svg("after (softmax of logits / T)", c.After)}</div>

            """);
        return html.ToString();
    }

    private static string Note(CalibrationReport c) => c.Note is null ? "" : $" ({WebUtility.HtmlEncode(c.Note)})";

    private static string Rule(CalibrationReport c) => c.InDistribution is { } r
        ? string.Create(CultureInfo.InvariantCulture, $" An image is a garment when its {InDistributionScore.Name(r.Score)} score is")
            + string.Create(CultureInfo.InvariantCulture, $" ≥ {r.Threshold:F3} (chosen so 95 % of new images of the classes are).")
        : "";

    /// <summary>One diagram: a bar per non-empty bin at its accuracy, over the diagonal.</summary>
    public static string Svg(string title, IReadOnlyList<CalibrationError.Bin> bins)
    {
        ArgumentNullException.ThrowIfNull(bins);
        double X(double v) => Margin + v * Size;
        double Y(double v) => Margin + (1 - v) * Size;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Size + 2 * Margin}\" height=\"{Size + 2 * Margin}\" role=\"img\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{WebUtility.HtmlEncode(title)}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin}\" y=\"20\" font-size=\"13\">{WebUtility.HtmlEncode(title)}</text>");
        svg.Append(CultureInfo.InvariantCulture,
            $"<rect x=\"{Margin}\" y=\"{Margin}\" width=\"{Size}\" height=\"{Size}\" fill=\"none\" stroke=\"#999\"/>");
        foreach (CalibrationError.Bin b in bins.Where(b => b.Count > 0))
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{X(b.Lower):F1}\" y=\"{Y(b.Accuracy):F1}\" ");
            svg.Append(CultureInfo.InvariantCulture, $"width=\"{(b.Upper - b.Lower) * Size:F1}\" ");
            svg.Append(CultureInfo.InvariantCulture, $"height=\"{b.Accuracy * Size:F1}\" fill=\"#4a78c2\" stroke=\"#fff\">");
            svg.Append(CultureInfo.InvariantCulture, $"<title>{b.Lower:F2}–{b.Upper:F2}: {b.Count:N0} images, ");
            svg.Append(CultureInfo.InvariantCulture, $"confidence {b.Confidence:P1}, accuracy {b.Accuracy:P1}</title></rect>");
        }
        svg.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{X(0)}\" y1=\"{Y(0)}\" x2=\"{X(1)}\" y2=\"{Y(1)}\" stroke=\"#c33\" stroke-dasharray=\"4 3\"/>");
        svg.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{X(0.5) - 30}\" y=\"{Size + 2 * Margin - 8}\" font-size=\"12\">confidence</text>");
        svg.Append(CultureInfo.InvariantCulture,
            $"<text x=\"4\" y=\"{Y(0.5)}\" font-size=\"12\" transform=\"rotate(-90 12 {Y(0.5)})\">accuracy</text></svg>");
        return svg.ToString();
    }
}
