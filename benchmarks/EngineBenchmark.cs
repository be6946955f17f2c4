using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Models;

namespace MlNetFashion.Benchmarks;

/// <summary>
/// `dotnet run --project benchmarks -c Release -- engine`: per net (fast, mcnn-paper), back to back, the managed SGEMM on
/// size³ at the run's thread count, the net's training step (<see cref="TrainingBenchmark"/>, GFLOP/s counted as direct
/// convolution over wall time), the SGEMM again, and the same net in PyTorch (benchmarks/pytorch_bench.py); one table of
/// the ratios engine/SGEMM and engine/PyTorch against the engine-speed goals.
/// </summary>
/// <remarks>
/// Each net's ratio is to the mean of the two SGEMM figures measured just before and just after its own training step:
/// on a shared host the machine's speed drifts by 2× within minutes, and an SGEMM measured once at the start says little
/// about a net measured a minute later.
/// </remarks>
public static class EngineBenchmark
{
    public const string Usage =
        "engine [--quick] [--seconds S] [--batch-size B] [--threads T] [--gemm-size N]";

    /// <param name="Seconds">Training (and again inference) time per net and framework, after a quarter of it as warm-up.</param>
    /// <param name="GemmSize">The square SGEMM's M = N = K.</param>
    /// <param name="GemmRuns">Runs whose median is the SGEMM figure.</param>
    public sealed record Settings(double Seconds, int BatchSize, int Threads, int GemmSize, int GemmRuns)
    {
        public static Settings Default => new(10, 128, Environment.ProcessorCount, 1024, 21);

        public static Settings Quick => Default with { Seconds = 3, GemmRuns = 7 };
    }

    /// <summary>A preset and the engine's training-step goal as a fraction of the SGEMM's GFLOP/s.</summary>
    private sealed record Net(string Preset, double SgemmGoal);

    private static readonly Net[] Nets = [new("fast", 1.0), new("mcnn-paper", 0.6)];

    /// <summary>Engine training img/s over PyTorch's, on every net.</summary>
    public const double PyTorchGoal = 2.5;

    /// <summary>
    /// One net's figures, with the SGEMM GFLOP/s measured beside its training step; PyTorch's are null when it could not run
    /// (<see cref="PyTorch"/> says why).
    /// </summary>
    public sealed record Row(string Preset, string Convolution, double TrainImagesPerSecond, double TrainGflops, double SgemmGflops,
        double InferenceImagesPerSecond, double? TorchTrainImagesPerSecond, double? TorchInferenceImagesPerSecond);

    public static void Run(string[] options) => Run(Parse(options));

    public static void Run(Settings settings)
    {
        var c = CultureInfo.InvariantCulture;
        string threads = settings.Threads == 1 ? "1 thread" : $"{settings.Threads} threads";
        Console.WriteLine(string.Create(c, $"engine benchmark: {CpuModelName()}, {threads}, batch {settings.BatchSize}, "
            + $"{settings.Seconds:0.###} s per measurement after a warm-up"));
        Parallelism.Threads = settings.Threads;
        Console.WriteLine($"engine GEMM: {Gemm.Description}");

        var rows = new List<Row>();
        string? pyTorchNote = null;
        foreach (Net net in Nets)
        {
            Preset preset = Presets.Get(net.Preset);
            double before = GemmBenchmark.SquareManagedGflops(settings.GemmSize, settings.GemmRuns);
            var engine = TrainingBenchmark.Run(preset.CreateModel(), settings.BatchSize, settings.Seconds, settings.Threads,
                preset.Defaults.Convolution);
            double after = GemmBenchmark.SquareManagedGflops(settings.GemmSize, settings.GemmRuns);
            Console.WriteLine(string.Create(c, $"managed SGEMM {settings.GemmSize}³ before and after {net.Preset}: {before:F1} and "
                + $"{after:F1} GFLOP/s (medians of {settings.GemmRuns})"));
            if (UnsteadyNote(net.Preset, before, after) is { } unsteady) Console.WriteLine(unsteady);
            var torch = pyTorchNote is null ? PyTorch(net.Preset, settings, out pyTorchNote) : null;
            rows.Add(new Row(net.Preset, engine.Convolution, engine.TrainImagesPerSecond, engine.TrainGflops, (before + after) / 2,
                engine.InferenceImagesPerSecond, torch?.Train, torch?.Inference));
        }
        Console.Write(Table(rows));
        if (pyTorchNote is not null) Console.WriteLine($"PyTorch not measured: {pyTorchNote}");
    }

    /// <summary>
    /// A warning when the SGEMM figures around a net's step differ by more than <see cref="SteadyRatio"/>: something else
    /// used the cores meanwhile, so the ratio to their mean says little. Null when they agree.
    /// </summary>
    public static string? UnsteadyNote(string preset, double before, double after)
    {
        double ratio = Math.Max(before, after) / Math.Min(before, after);
        return ratio <= SteadyRatio ? null : string.Create(CultureInfo.InvariantCulture,
            $"warning: the SGEMM figures around {preset} differ {ratio:F2}×: the cores were shared, so its ratio is unreliable")
            + " (a `dotnet run` that has just built keeps one core busy for several seconds: build first, then run with --no-build)";
    }

    /// <summary>How far apart the SGEMM figures around a step may be (max/min) before the measurement counts as unsteady.</summary>
    public const double SteadyRatio = 1.2;

    /// <summary>
    /// The table: per net, training img/s and GFLOP/s, the SGEMM's GFLOP/s beside it, the ratio and its goal, PyTorch's
    /// img/s and the ratio and goal, then inference img/s both ways; a dash where PyTorch did not run.
    /// </summary>
    public static string Table(IReadOnlyList<Row> rows)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        text.AppendLine(string.Create(c, $"{"net",-11} {"train img/s",11} {"GFLOP/s",8} {"SGEMM",6} {"/SGEMM",7} {"goal",6} "
            + $"{"PyTorch img/s",13} "
            + $"{"/PyTorch",9} {"goal",6} {"infer img/s",11} {"PyTorch",8} {"ratio",6}"));
        foreach (Row row in rows)
        {
            double sgemmGoal = Nets.First(n => n.Preset == row.Preset).SgemmGoal;
            string torch = row.TorchTrainImagesPerSecond is double t ? t.ToString("N0", c) : "—";
            string torchRatio = row.TorchTrainImagesPerSecond is double t2 ? (row.TrainImagesPerSecond / t2).ToString("F2", c) : "—";
            string torchInference = row.TorchInferenceImagesPerSecond is double i ? i.ToString("N0", c) : "—";
            string inferenceRatio = row.TorchInferenceImagesPerSecond is double i2
                ? (row.InferenceImagesPerSecond / i2).ToString("F2", c)
                : "—";
            string sgemmGoalText = "≥ " + sgemmGoal.ToString("0.0", c), torchGoalText = "≥ " + PyTorchGoal.ToString("0.0", c);
            text.AppendLine(string.Create(c, $"{row.Preset,-11} {row.TrainImagesPerSecond,11:N0} {row.TrainGflops,8:F1} "
                + $"{row.SgemmGflops,6:F0} {row.TrainGflops / row.SgemmGflops,7:F2} {sgemmGoalText,6} {torch,13} {torchRatio,9} "
                + $"{torchGoalText,6} {row.InferenceImagesPerSecond,11:N0} {torchInference,8} {inferenceRatio,6}"));
        }
        foreach (Row row in rows) text.AppendLine($"convolution ({row.Preset}): {row.Convolution}");
        return text.ToString();
    }

    /// <summary>
    /// benchmarks/pytorch_bench.py on the same net, batch, threads and time: (training, inference) img/s, or null and
    /// <paramref name="note"/> saying why it did not run.
    /// </summary>
    private static (double Train, double Inference)? PyTorch(string preset, Settings settings, out string? note)
    {
        const string python = "/usr/bin/python3";
        string script = Path.Combine(AppContext.BaseDirectory, "pytorch_bench.py");
        note = null;
        if (!File.Exists(python))
        {
            note = $"{python} not found (install python3-torch)";
            return null;
        }
        var start = new ProcessStartInfo(python,
        [
            script, "--net", preset, "--batch-size", settings.BatchSize.ToString(CultureInfo.InvariantCulture),
            "--seconds", settings.Seconds.ToString("R", CultureInfo.InvariantCulture),
            "--threads", settings.Threads.ToString(CultureInfo.InvariantCulture),
        ])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            string last = error.Result.Trim().Split('\n')[^1];
            note = $"pytorch_bench.py exited with {process.ExitCode}: {last} (needs Debian's python3-torch)";
            return null;
        }
        using var json = JsonDocument.Parse(output);
        return (json.RootElement.GetProperty("trainImagesPerSecond").GetDouble(),
            json.RootElement.GetProperty("inferenceImagesPerSecond").GetDouble());
    }

    /// <summary>engine's options; a bad one is an <see cref="ArgumentException"/> naming it.</summary>
    public static Settings Parse(string[] options)
    {
        Settings settings = options.Contains("--quick") ? Settings.Quick : Settings.Default;
        for (int i = 0; i < options.Length; i++)
        {
            string option = options[i];
            if (option == "--quick") continue;
            if (option is not ("--seconds" or "--batch-size" or "--threads" or "--gemm-size"))
                throw new ArgumentException($"engine: unrecognized argument '{option}' (usage: {Usage})");
            if (i + 1 >= options.Length) throw new ArgumentException($"engine: {option} expects a value");
            string value = options[++i];
            if (option == "--seconds")
            {
                settings = settings with
                {
                    Seconds = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double s)
                        && double.IsFinite(s) && s > 0
                        ? s
                        : throw new ArgumentException($"engine: --seconds expects a positive number, received '{value}'"),
                };
                continue;
            }
            int n = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) && parsed > 0
                ? parsed
                : throw new ArgumentException($"engine: {option} expects a positive whole number, received '{value}'");
            settings = option switch
            {
                "--batch-size" => settings with { BatchSize = n },
                "--threads" => settings with { Threads = n },
                _ => settings with { GemmSize = n },
            };
        }
        return settings;
    }

    /// <summary>lscpu's "Model name" (from /proc/cpuinfo), or what the OS says elsewhere.</summary>
    public static string CpuModelName()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (File.Exists(cpuinfo))
        {
            string? line = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        return Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? "unknown CPU";
    }
}
