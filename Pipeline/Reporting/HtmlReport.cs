using System.Globalization;
using System.Net;
using System.Text;

namespace MlNetFashion.Pipeline.Reporting;

/// <summary>
/// report.html beside its PNGs: headline figures, learning curves, confusion matrix, per-class table, a grid of test
/// images and the run's settings. Self-contained apart from the images (no scripts, no web fonts).
/// </summary>
public static class HtmlReport
{
    public const string LossPng = "loss.png", AccuracyPng = "accuracy.png", ConfusionPng = "confusion-matrix.png",
        SamplesPng = "test-samples.png";

    public static string Create(TrainingRunSummary run)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        static string P(double v) => v.ToString("P2", CultureInfo.InvariantCulture);
        static string Epochs(int count) => count == 1 ? "1 epoch" : $"{count} epochs";
        static string SingleViewCard(TrainingRunSummary run) => run.SingleViewAccuracy is { } single
            ? $"\n  <div class=\"card\">image alone (model-single-view.onnx)<b>{P(single)}</b></div>" : "";
        string net = E(run.NetName);
        string written = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        string testImages = run.Test.ConfusionMatrix.Sum(r => r.Sum()).ToString("N0", CultureInfo.InvariantCulture);
        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>MlNetFashion — {{net}} run</title>
            <style>
              body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }
              h1 { margin-bottom: .2rem; } .sub { color: #666; margin-top: 0; }
              .cards { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1.5rem 0; }
              .card { background: #f4f6fa; border-radius: 8px; padding: .8rem 1.2rem; min-width: 150px; }
              .card b { display: block; font-size: 1.6rem; }
              table { border-collapse: collapse; margin: 1rem 0; }
              td, th { padding: .3rem .8rem; border-bottom: 1px solid #ddd; text-align: right; }
              th:first-child, td:first-child { text-align: left; }
              img { max-width: 100%; border: 1px solid #eee; } .row { display: flex; gap: 1rem; flex-wrap: wrap; }
            </style></head><body>
            <h1>MlNetFashion training report</h1>
            <p class="sub">Preset <b>{{net}}</b> · {{Epochs(run.History.Count)}} (best: {{run.BestEpoch}}) · {{written}} UTC</p>
            <div class="cards">
              <div class="card">test accuracy<b>{{P(run.Test.Accuracy)}}</b></div>
              <div class="card">macro accuracy<b>{{P(run.Test.MacroAccuracy)}}</b></div>{{SingleViewCard(run)}}
              <div class="card">log-loss<b>{{run.Test.LogLoss.ToString("F4", CultureInfo.InvariantCulture)}}</b></div>
              <div class="card">training time<b>{{DurationText.Format(run.TrainSeconds)}}</b></div>
              <div class="card">speed<b>{{run.TrainImagesPerSecond.ToString("N0", CultureInfo.InvariantCulture)}} img/s</b></div>
            </div>
            <h2>Learning curves</h2>
            <div class="row"><img src="{{LossPng}}" alt="loss per epoch"><img src="{{AccuracyPng}}" alt="accuracy per epoch"></div>
            <h2>Test set ({{testImages}} official test images)</h2>
            <div class="row"><img src="{{ConfusionPng}}" alt="confusion matrix" style="max-width:560px">
            <table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>
            """);
        foreach (var c in run.Test.PerClass)
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{E(c.Label)}</td><td>{c.Precision:F4}</td><td>{c.Recall:F4}</td>" +
                $"<td>{c.F1:F4}</td><td>{c.Support:N0}</td></tr>\n");
        html.Append($"""
            </table></div>
            <h2>Test images</h2><p class="sub">actual label, then prediction and confidence; wrong predictions framed in red.</p>
            <img src="{SamplesPng}" alt="test images with predictions">

            """);
        if (run.Calibration is { } calibration) html.Append(ReliabilityDiagram.Section(calibration));
        html.Append("<h2>Settings and timings</h2><table>\n");
        foreach (var (key, value) in run.Settings) html.Append($"<tr><td>{E(key)}</td><td>{E(value)}</td></tr>\n");
        html.Append(CultureInfo.InvariantCulture, $"<tr><td>whole command</td><td>{run.TotalSeconds:F1} s</td></tr>\n");
        html.Append(CultureInfo.InvariantCulture,
            $"<tr><td>ONNX vs engine (max |Δp| on {run.OnnxCheckedImages:N0} test images)</td><td>{run.OnnxMaxAbsDiff:G3}</td></tr>\n");
        if (run.StopReason is not null) html.Append($"<tr><td>stopped</td><td>{E(run.StopReason)}</td></tr>\n");
        html.Append("</table>\n<h2>Epochs</h2><table><tr><th>epoch</th><th>loss</th><th>accuracy</th><th>val loss</th><th>val " +
            "accuracy</th><th>lr</th><th>seconds</th></tr>\n");
        foreach (var m in run.History)
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{m.Epoch}</td><td>{m.Loss:F4}</td><td>{m.Accuracy:P2}</td><td>{m.ValidationLoss:F4}</td>" +
                $"<td>{m.ValidationAccuracy:P2}</td><td>{m.LearningRate:G3}</td><td>{m.Seconds:F1}</td></tr>\n");
        html.Append("</table></body></html>\n");
        return html.ToString();
    }
}
