using System.Globalization;
using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Scoring.Commands;

/// <summary>
/// predict --model FILE --idx IMAGES --out PREDICTIONS.csv|.jsonl [--resume]: streams an IDX file of any size into a
/// predictions file, with progress and time left on stderr; --resume continues a run that was stopped or killed.
/// </summary>
internal static class PredictToFile
{
    public static int Run(string modelPath, string idxPath, string outPath, bool resume, int? gpu)
    {
        PredictionFile.FormatOf(outPath);
        (int? device, string? message) = GpuSelection.Resolve(gpu);
        if (message is not null) Console.Error.WriteLine(message);
        using var images = new IdxImageStream(idxPath);
        using var scorer = BatchScorer.Load(modelPath, device);
        using var output = PredictionFile.Open(outPath, resume);
        int already = output.Rows;
        using var cancel = new CancellationTokenSource();
        // Ctrl+C: finish the chunk being written, then stop; --resume continues there.
        ConsoleCancelEventHandler stop = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += stop;
        var reporter = new ProgressLine();
        try
        {
            StreamingScorer.Run(scorer, images, output, reporter.Report, cancellation: cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= stop;
            reporter.Finish();
        }
        var c = CultureInfo.InvariantCulture;
        if (output.Rows < images.Count)
        {
            Console.Error.WriteLine(string.Create(c,
                $"interrupted: {outPath} has {output.Rows:N0} of {images.Count:N0} rows; continue with --resume"));
            return 130;
        }
        Console.WriteLine(string.Create(c, $"{outPath}: {images.Count:N0} rows ({(already > 0 ? $"{already:N0} kept from before, " : "")}"
            + $"{images.Count - already:N0} scored now)"));
        return 0;
    }

    /// <summary>Progress on stderr: rewritten in place on a terminal, a line every 10 s when redirected.</summary>
    private sealed class ProgressLine
    {
        private readonly bool _terminal = !Console.IsErrorRedirected;
        private DateTime _last = DateTime.MinValue;
        private bool _written;

        public void Report(ScoringProgress p)
        {
            if (DateTime.UtcNow - _last < TimeSpan.FromSeconds(_terminal ? 0.5 : 10) && p.Done < p.Total) return;
            _last = DateTime.UtcNow;
            string eta = p.Remaining is TimeSpan left ? $", ETA {left:hh\\:mm\\:ss}" : "";
            double share = p.Total > 0 ? (double)p.Done / p.Total : 1;
            string line = string.Create(CultureInfo.InvariantCulture,
                $"{p.Done:N0} / {p.Total:N0} images ({share:P1}), {p.ImagesPerSecond:N0} images/s{eta}");
            if (_terminal) Console.Error.Write("\r" + line.PadRight(78));
            else Console.Error.WriteLine(line);
            _written = true;
        }

        public void Finish()
        {
            if (_terminal && _written) Console.Error.WriteLine();
        }
    }
}
