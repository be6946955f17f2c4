using System.Globalization;
using MlNetFashion.Pipeline.Reporting;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Pipeline.Trainer;
using Spectre.Console;

namespace MlNetFashion.Training.Terminal;

/// <summary>
/// Progress of a training run: a live bar per epoch (loss, accuracy, img/s, lr, ETA) and a table row per epoch on a
/// terminal; one plain line per epoch when output is redirected (CI, pipes).
/// </summary>
internal static class TrainingDisplay
{
    public static ITrainingProgress Create() => System.Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive
        ? new PlainProgress()
        : new LiveProgress();

    public static void PrintSummary(TrainingRunSummary run, string outDir)
    {
        var c = CultureInfo.InvariantCulture;
        System.Console.WriteLine(string.Create(c,
            $"test accuracy {run.Test.Accuracy:P2} (macro {run.Test.MacroAccuracy:P2}, log-loss {run.Test.LogLoss:F4}); {Training(run)}; " +
            $"whole run {DurationText.Format(run.TotalSeconds)}"));
        System.Console.WriteLine(string.Create(c,
            $"ONNX export matches the engine within {run.OnnxMaxAbsDiff:G2} (max |Δp| on {run.OnnxCheckedImages:N0} test images)"));
        if (run.SingleViewAccuracy is { } single)
            System.Console.WriteLine(string.Create(c,
                $"the same weights on the image alone (no test-time views, ~10× cheaper to score): {single:P2} in " +
                $"{TrainingRun.SingleViewFile}"));
        string extra = run.SingleViewAccuracy is null ? "" : ", " + TrainingRun.SingleViewFile;
        System.Console.WriteLine($"wrote {Path.Combine(outDir, "model.zip")}, model.onnx{extra}, metrics.json, history.csv, report.html");
    }

    /// <summary>The epochs and their speed; after --resume only the epochs this run trained were timed.</summary>
    private static string Training(TrainingRunSummary run)
    {
        var c = CultureInfo.InvariantCulture;
        int total = run.History.Count, trained = total - run.ResumedFromEpoch;
        string epochs = total == 1 ? "1 epoch" : string.Create(c, $"{total} epochs");
        if (run.ResumedFromEpoch > 0 && trained <= 0) return $"{epochs}, all from the checkpoint (none trained in this run)";
        string resumed = run.ResumedFromEpoch > 0
            ? string.Create(c, $" ({trained} in this run, after epoch {run.ResumedFromEpoch} of the checkpoint)") : "";
        return string.Create(c, $"{epochs}{resumed} in {DurationText.Format(run.TrainSeconds)}, {run.TrainImagesPerSecond:N0} img/s");
    }

    /// <summary>One epoch; without a validation set (a fraction of 0) the val_ fields are left out rather than left blank.</summary>
    private static string Line(FashionCnnMetrics m, int total)
    {
        var c = CultureInfo.InvariantCulture;
        string validation = m.ValidationAccuracy is null ? ""
            : string.Create(c, $"val_loss {m.ValidationCrossEntropy:F4}  val_acc {m.ValidationAccuracy:P2}  ");
        return string.Create(c,
            $"epoch {m.Epoch}/{(total > 0 ? total.ToString(c) : "?")}  loss {m.CrossEntropy:F4}  acc {m.Accuracy:P2}  {validation}lr " +
            $"{m.LearningRate:G3}  {m.ImagesPerSecond:N0} img/s");
    }

    private sealed class PlainProgress : ITrainingProgress
    {
        public void Stage(string message) => System.Console.WriteLine(message);

        public void Metrics(FashionCnnMetrics m, int totalEpochs)
        {
            if (m.EpochEnd) System.Console.WriteLine(Line(m, totalEpochs));
        }
    }

    /// <summary>One Spectre progress task per epoch, redrawn from the batch callbacks (which arrive on the training thread).</summary>
    private sealed class LiveProgress : ITrainingProgress
    {
        private ProgressTask? _task;
        private ProgressContext? _context;
        private Task? _render;
        private readonly TaskCompletionSource _done = new();
        private readonly SemaphoreSlim _ready = new(0);

        public void Stage(string message)
        {
            Finish();
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]");
        }

        public void Metrics(FashionCnnMetrics m, int totalEpochs)
        {
            if (m.EpochEnd)
            {
                Finish();
                AnsiConsole.MarkupLine($"[green]{Markup.Escape(Line(m, totalEpochs))}[/]");
                return;
            }
            if (_task is null) Start(m.Epoch, totalEpochs, m.BatchesPerEpoch);
            _task!.Value = m.Batch;
            _task.Description = string.Create(CultureInfo.InvariantCulture,
                $"epoch {m.Epoch}/{totalEpochs}  loss {m.CrossEntropy:F3}  acc {m.Accuracy:P1}  {m.ImagesPerSecond:N0} img/s  lr " +
                $"{m.LearningRate:G2}");
        }

        private void Start(int epoch, int total, int batches)
        {
            var done = new TaskCompletionSource();
            _render = AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async ctx =>
                {
                    _context = ctx;
                    _task = ctx.AddTask($"epoch {epoch}/{total}", maxValue: batches);
                    _ready.Release();
                    await done.Task;
                });
            _ready.Wait();
            _finish = done;
        }

        private TaskCompletionSource? _finish;

        private void Finish()
        {
            if (_task is null) return;
            _task.Value = _task.MaxValue;
            _finish!.SetResult();
            _render!.GetAwaiter().GetResult();
            (_task, _context, _render, _finish) = (null, null, null, null);
        }
    }
}
