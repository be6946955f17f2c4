using System.Buffers.Binary;
using System.Globalization;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Runs;

namespace MlNetFashion.Benchmarks.Operations;

/// <summary>
/// `batch-scoring --model FILE [--images N] [--kill-resume] [--data-dir DIR] [--work-dir DIR]`: N images (default
/// 1,000,000, the test set repeated) in one IDX file, scored by the scoring app as its own process, streamed
/// (`predict --idx --out FILE.csv`) and in memory (`predict --idx`): wall-clock throughput of each whole process (model
/// load included, the same for both), their ratio, and each one's peak resident memory. With --kill-resume, a third run
/// is killed (SIGKILL) once its file is half written and continued with --resume; the result is checked row by row against
/// the uninterrupted file: rows numbered 0…N-1 once each, and how many labels differ.
/// </summary>
public static class BatchScoringBenchmark
{
    public const int DefaultImages = 1_000_000;

    /// <summary>The goals of issue #31: streamed ≥ 90 % of in-memory throughput, peak ≤ 300 MB.</summary>
    public const double RatioGoal = 0.9;
    public const long PeakGoalBytes = 300L * 1024 * 1024;

    public sealed record Options(string Model, int Images = DefaultImages, bool KillResume = false, string? DataDir = null,
        string? WorkDir = null);

    /// <summary>Rows before the kill, rows after --resume, rows repeated, rows missing, labels unlike the uninterrupted run.</summary>
    public sealed record ResumeCheck(long RowsAtKill, long Rows, long Duplicates, long Gaps, long LabelsDiffering);

    public sealed record Result(int Images, MeasuredRun Streamed, MeasuredRun InMemory, ResumeCheck? Resume)
    {
        public double StreamedPerSecond => Images / Streamed.Seconds;
        public double InMemoryPerSecond => Images / InMemory.Seconds;
        public double Ratio => StreamedPerSecond / InMemoryPerSecond;
    }

    public static Result Run(Options options, TextWriter? output = null)
    {
        output ??= Console.Out;
        ModelFile.MustExist(options.Model);
        if (options.Images <= 0) throw new ArgumentException($"--images: expected a positive count, received {options.Images}");
        string model = Path.GetFullPath(options.Model);
        FashionMnistSplit test = FashionMnist.LoadSplit(DataLocator.Locate(options.DataDir), "t10k");
        string dir = options.WorkDir is { } given ? Directory.CreateDirectory(given).FullName
            : Directory.CreateTempSubdirectory("batch-scoring-").FullName;
        try
        {
            string idx = Path.Combine(dir, "images-idx3-ubyte");
            WriteRepeated(idx, test, options.Images);
            string streamedFile = Path.Combine(dir, "streamed.csv");
            foreach (string stale in new[] { streamedFile, Path.Combine(dir, "resumed.csv") })
            {
                File.Delete(stale);
                File.Delete(stale + ".source.json");
            }
            MeasuredRun streamed = Checked(MeasuredRun.Of(["predict", "--model", model, "--idx", idx, "--out", streamedFile]), "streamed");
            MeasuredRun inMemory = Checked(MeasuredRun.Of(["predict", "--model", model, "--idx", idx]), "in memory");
            ResumeCheck? resume = options.KillResume ? KillAndResume(model, idx, streamedFile, Path.Combine(dir, "resumed.csv")) : null;
            var result = new Result(options.Images, streamed, inMemory, resume);
            Print(result, model, output);
            return result;
        }
        finally
        {
            if (options.WorkDir is null) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>An IDX images file of <paramref name="count"/> images, the test set over and over, written as it goes.</summary>
    private static void WriteRepeated(string path, FashionMnistSplit test, int count)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> header = stackalloc byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, IdxFile.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], count);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], 28);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], 28);
        file.Write(header);
        for (int written = 0; written < count; written += test.Count)
            file.Write(test.Pixels.AsSpan(0, Math.Min(test.Count, count - written) * FashionMnistSplit.ImageSize));
    }

    private static MeasuredRun Checked(MeasuredRun run, string what) => run.ExitCode == 0 ? run
        : throw new InvalidOperationException($"{what}: predict exited with {run.ExitCode}: {LastLine(run.Output)}");

    private static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";

    /// <summary>Killed with SIGKILL once half of the uninterrupted file's bytes are written, then resumed, then compared.</summary>
    private static ResumeCheck KillAndResume(string model, string idx, string reference, string resumed)
    {
        long half = new FileInfo(reference).Length / 2;
        long rowsAtKill;
        using (var run = ServeProcess.Start("dotnet", [ServeProcess.AppDll, "predict", "--model", model, "--idx", idx, "--out", resumed]))
        {
            while (!run.Process.HasExited && (!File.Exists(resumed) || new FileInfo(resumed).Length < half)) Thread.Sleep(5);
            if (run.Process.HasExited)
                throw new InvalidOperationException(
                    $"kill -9: the run ended before it was half done: {LastLine(string.Join("\n", run.Lines))}");
            run.Kill();
            run.Process.WaitForExit();
            rowsAtKill = CompleteRows(resumed);
        }
        Checked(MeasuredRun.Of(["predict", "--model", model, "--idx", idx, "--out", resumed, "--resume"]), "resume");
        long rows = 0, duplicates = 0, gaps = 0, differing = 0, expected = 0;
        using var a = File.ReadLines(reference).Skip(1).GetEnumerator();
        foreach (string line in File.ReadLines(resumed).Skip(1))
        {
            rows++;
            string[] fields = line.Split(',', 3);
            long index = long.Parse(fields[0], CultureInfo.InvariantCulture);
            if (index < expected) duplicates++;
            else
            {
                gaps += index - expected;
                expected = index + 1;
            }
            if (!a.MoveNext() || a.Current.Split(',', 3)[1] != fields[1]) differing++;
        }
        return new ResumeCheck(rowsAtKill, rows, duplicates, gaps, differing);
    }

    /// <summary>Lines ended by a newline, less the header: what a resumed run keeps.</summary>
    private static long CompleteRows(string path)
    {
        using var file = File.OpenRead(path);
        var buffer = new byte[1 << 16];
        long lines = 0;
        for (int n; (n = file.Read(buffer)) > 0;) lines += buffer.AsSpan(0, n).Count((byte)'\n');
        return Math.Max(0, lines - 1);
    }

    private static void Print(Result r, string model, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        static string Mb(long bytes) => bytes > 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:N0} MB") : "n/a";
        output.WriteLine(string.Create(c, $"batch scoring: {r.Images:N0} images (the test set repeated), model {model}"));
        output.WriteLine($"CPU: {MeasuredRun.CpuModelName()} ({Environment.ProcessorCount} logical cores)");
        output.WriteLine("| path | seconds | images/s | peak RSS | goal |");
        output.WriteLine("|---|---|---|---|---|");
        string peakGoal = $"peak ≤ {PeakGoalBytes / 1048576} MB: {Verdict(r.Streamed.PeakRssBytes <= PeakGoalBytes)}";
        output.WriteLine(string.Create(c, $"| predict --idx --out FILE.csv (streamed) | {r.Streamed.Seconds:F1} | "
            + $"{r.StreamedPerSecond:N0} | {Mb(r.Streamed.PeakRssBytes)} | {peakGoal} |"));
        output.WriteLine(string.Create(c, $"| predict --idx (in memory) | {r.InMemory.Seconds:F1} | {r.InMemoryPerSecond:N0} | "
            + $"{Mb(r.InMemory.PeakRssBytes)} | |"));
        output.WriteLine(string.Create(c,
            $"| streamed / in memory | | {r.Ratio:P0} | | ≥ {RatioGoal:P0}: {Verdict(r.Ratio >= RatioGoal)} |"));
        if (r.Resume is { } k)
            output.WriteLine(string.Create(c, $"| kill -9 at {k.RowsAtKill:N0} rows, then --resume | | | | {k.Rows:N0} rows, "
                + $"{k.Duplicates} repeated, {k.Gaps} missing, {k.LabelsDiffering} labels unlike the uninterrupted run: "
                + $"{Verdict(k.Rows == r.Images && k.Duplicates == 0 && k.Gaps == 0)} |"));
        output.WriteLine("Timings are of whole processes on a machine that may be shared: compare runs made side by side.");
    }

    private static string Verdict(bool met) => met ? "met" : "NOT met";
}
