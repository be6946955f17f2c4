using System.Globalization;
using MlNetFashion.CommandLine;
using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Scoring.Commands;

/// <summary>
/// predict --model FILE (--idx IMAGES | FOLDER) --out PREDICTIONS.csv|.jsonl [--resume]: streams an IDX file or a folder of
/// image files (its subfolders included) of any size into a predictions file, with progress and time left on stderr;
/// --resume continues a run that was stopped or killed, once PREDICTIONS.source.json shows the same model and input.
/// A folder's unreadable image is a row with its error and the run goes on; at the end one error line counts them and the exit
/// code is 1, as for every bad input.
/// </summary>
internal static class PredictToFile
{
    public static int Run(string modelPath, PredictionInputKind kind, string input, string outPath, bool resume, int? gpu)
    {
        PredictionFile.FormatOf(outPath);
        bool exists = File.Exists(outPath);
        if (exists && !resume) throw new IOException($"{outPath}: already exists; continue it with --resume, or remove it");
        (int? device, string? message) = GpuSelection.Resolve(gpu);
        if (message is not null) Console.Error.WriteLine(message);
        using var idx = kind == PredictionInputKind.Idx ? new IdxImageStream(input) : null;
        var folder = kind == PredictionInputKind.Folder ? new Data.ImageFileWalk(input) : null;
        using var scorer = BatchScorer.Load(modelPath, device);
        if (folder is not null) Console.Error.WriteLine($"counting the images in {input} …");
        PredictionSource source = idx is not null ? PredictionSource.ForIdx(modelPath, input, idx)
            : PredictionSource.ForFolder(modelPath, folder!);
        // Checked before the file is opened for writing: a mismatch changes nothing. A new file gets its record first, so a
        // kill at any moment leaves no predictions without one.
        if (exists) source.Verify(outPath);
        else source.WriteBeside(outPath);
        using var output = PredictionFile.Open(outPath, resume, scorer.Classes, files: folder is not null);
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
        long errors = 0;
        try
        {
            if (idx is not null) StreamingScorer.Run(scorer, idx, output, reporter.Report, cancellation: cancel.Token);
            else errors = StreamingScorer.Run(scorer, folder!, output, reporter.Report, cancellation: cancel.Token).Errors;
        }
        catch (IOException e) when (e.Message.Contains(Path.GetFullPath(outPath), StringComparison.Ordinal))
        {
            // A full disk: what was written stays, and --resume verifies it and continues after the last whole row.
            throw new IOException($"{ErrorLines.OneLine(e)}; the rows written before are kept: continue with --resume once the file "
                + "can be written", e);
        }
        finally
        {
            Console.CancelKeyPress -= stop;
            reporter.Finish();
        }
        var c = CultureInfo.InvariantCulture;
        if (output.Rows < source.Images)
        {
            Console.Error.WriteLine(string.Create(c,
                $"interrupted: {outPath} has {output.Rows:N0} of {source.Images:N0} rows; continue with --resume"));
            return 130;
        }
        string kept = already > 0 ? string.Create(c, $"{already:N0} kept from before, ") : "";
        Console.WriteLine(string.Create(c, $"{outPath}: {source.Images:N0} rows ({kept}{source.Images - already:N0} scored now)"));
        if (folder?.PassedOver.Describe() is { } note) Console.Error.WriteLine($"warning: {input}: {note}");
        if (errors == 0) return 0;
        Console.Error.WriteLine(string.Create(c, $"error: {input}: {errors:N0} of the {source.Images - already:N0} files scored now "
            + $"could not be read or decoded: their rows in {outPath} carry the error"));
        return 1;
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
