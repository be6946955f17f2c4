using BenchmarkDotNet.Running;
using MlNetFashion.CommandLine;

namespace MlNetFashion.Benchmarks;

/// <summary>
/// The plain console modes README offers (each prints its table in well under a minute); anything else goes to
/// BenchmarkDotNet. Bad arguments are one line on stderr and exit code 1, through the runner the two apps use.
/// </summary>
public static class BenchmarkCommandLine
{
    public const string Usage = """
        usage: dotnet run --project benchmarks -c Release -- MODE
          gemm [FILTER]                                  managed vs OpenBLAS SGEMM GFLOP/s (shapes whose name contains FILTER)
          engine [--quick] [--seconds S] [--batch-size B] [--threads T] [--gemm-size N]  fast, mcnn-paper: ratios to SGEMM and PyTorch
          layers [BATCH] [ITERATIONS] [THREADS] [PRESET] [--cpu-time]  each layer's time, alone and in a step (default 128 30 all seed001)
          onnx-vs-torch                                  our ONNX export of seed001 vs torch.onnx.export (needs /usr/bin/python3 with torch)
          views MODEL.onnx...                            test accuracy of models without views, on 1, 2, 5 and 10 test-time views
          checkpoints PRESET|SPEC.json CKPT...           test accuracy of each checkpoint's weights
          robustness --model FILE [--images N] [--data-dir DIR]  accuracy on test images rendered as photos, per kind of rendering
          confidence --model FILE [--images N] [--ood-dir DIR] [--data-dir DIR]  calibration, not-a-garment detection, explanations
          batch-scoring --model FILE [--images N] [--kill-resume] [--data-dir DIR] [--work-dir DIR]  predict --idx streamed vs in memory
          scale-out --model FILE [--seconds S] [--clients C] [--data-dir DIR]  POST /predict: three replicas via HAProxy vs one direct
          recalibrate PRESET CKPT|MODEL.onnx OUT.onnx [FRACTION [SEED]]  a finished run's calibration fitted again, exported with it
          anything else                                  BenchmarkDotNet (e.g. --filter '*')
        """;

    public static int Run(string[] args)
    {
        if (args is [] or ["-h" or "--help" or "help"])
        {
            Console.WriteLine(Usage);
            return 0;
        }
        return CommandLineRunner.Invoke(() =>
        {
            string mode = args[0];
            string[] rest = args[1..];
            if (Modes.Contains(mode) && mode != "confidence" && rest is [string first, ..] && first.StartsWith('-')
                && !(mode == "layers" && first == "--cpu-time"))
            {
                if (first is "-h" or "--help") return Help(mode);
                throw new ArgumentException($"{mode}: unrecognized option '{first}' (see '{mode} --help')");
            }
            switch (mode)
            {
                case "gemm":
                    if (rest.Length > 1)
                        throw new ArgumentException($"gemm: expected at most one FILTER, received {rest.Length} arguments");
                    GemmBenchmark.Run(filter: rest is [string filter] ? filter : "");
                    return 0;
                case "engine":
                    return WithHelp(mode, rest, EngineBenchmark.Run);
                case "layers":
                    LayerBenchmark.Run(args);
                    return 0;
                case "onnx-vs-torch":
                    if (rest.Length > 0) throw new ArgumentException($"onnx-vs-torch: expected no arguments, received '{rest[0]}'");
                    OnnxVsTorch.OnnxVsTorchBenchmark.Run();
                    return 0;
                case "views":
                    if (rest.Length == 0) return Help(mode, missingArguments: true);
                    TestTimeViewsBenchmark.Run(rest);
                    return 0;
                case "robustness":
                    return WithOptions(mode, rest, RunRobustness);
                case "checkpoints":
                    if (rest.Length < 2) return Help(mode, missingArguments: true);
                    CheckpointAccuracyBenchmark.Run(rest);
                    return Environment.ExitCode;
                case "batch-scoring":
                    return WithOptions(mode, rest, RunBatchScoring);
                case "scale-out":
                    return WithOptions(mode, rest, RunScaleOut);
                case "confidence":
                    return WithHelp(mode, rest, ConfidenceBenchmark.Run);
                case "recalibrate":
                    RecalibrateBenchmark.Run(rest);
                    return 0;
                default:
                    BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmark).Assembly).Run(args);
                    return 0;
            }
        });
    }

    /// <summary>
    /// A mode whose options may all be left out: MODE --help prints its usage, anything else goes to <paramref name="run"/>.
    /// </summary>
    private static int WithHelp(string mode, string[] rest, Action<string[]> run)
    {
        if (rest is ["-h" or "--help"]) return Help(mode);
        run(rest);
        return 0;
    }

    /// <summary>A mode with a required option: as <see cref="WithHelp"/>, and MODE alone prints its usage on stderr (exit 2).</summary>
    private static int WithOptions(string mode, string[] rest, Action<string[]> run) =>
        rest.Length == 0 ? Help(mode, missingArguments: true) : WithHelp(mode, rest, run);

    /// <summary>robustness's options: --model FILE (required), --images N, --data-dir DIR.</summary>
    private static void RunRobustness(string[] options)
    {
        var values = ModeOptions("robustness", options, ["--model", "--images", "--data-dir"], []);
        int? images = values.TryGetValue("--images", out string? n) ? Positive("robustness", "--images", n) : null;
        Robustness.RobustnessBenchmark.Run(Required("robustness", values, "--model"), images, values.GetValueOrDefault("--data-dir"));
    }

    /// <summary>batch-scoring's options: --model FILE (required), --images N, --kill-resume, --data-dir DIR, --work-dir DIR.</summary>
    private static void RunBatchScoring(string[] options)
    {
        var values = ModeOptions("batch-scoring", options, ["--model", "--images", "--data-dir", "--work-dir"], ["--kill-resume"]);
        var run = new Operations.BatchScoringBenchmark.Options(Required("batch-scoring", values, "--model"),
            values.TryGetValue("--images", out string? n)
                ? Positive("batch-scoring", "--images", n)
                : Operations.BatchScoringBenchmark.DefaultImages,
            values.ContainsKey("--kill-resume"), values.GetValueOrDefault("--data-dir"), values.GetValueOrDefault("--work-dir"));
        Operations.BatchScoringBenchmark.Run(run);
    }

    /// <summary>scale-out's options: --model FILE (required), --seconds S, --clients C, --data-dir DIR.</summary>
    private static void RunScaleOut(string[] options)
    {
        var values = ModeOptions("scale-out", options, ["--model", "--seconds", "--clients", "--data-dir"], []);
        var run = new Operations.ScaleOutBenchmark.Options(Required("scale-out", values, "--model"),
            values.TryGetValue("--seconds", out string? s) ? Positive("scale-out", "--seconds", s) : 20,
            values.TryGetValue("--clients", out string? c) ? Positive("scale-out", "--clients", c) : 8,
            values.GetValueOrDefault("--data-dir"));
        Operations.ScaleOutBenchmark.RunAsync(run).GetAwaiter().GetResult();
    }

    /// <summary>A mode's options: each of <paramref name="valued"/> takes a value, each of <paramref name="flags"/> none.</summary>
    private static Dictionary<string, string> ModeOptions(string mode, string[] options, string[] valued, string[] flags)
    {
        var values = new Dictionary<string, string>();
        for (int i = 0; i < options.Length; i++)
        {
            string option = options[i];
            if (flags.Contains(option)) values[option] = "";
            else if (!valued.Contains(option))
                throw new ArgumentException($"{mode}: unrecognized argument '{option}' (see '{mode} --help')");
            else if (i + 1 >= options.Length || options[i + 1].StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"{mode}: {option} expects a value");
            else values[option] = options[++i];
        }
        return values;
    }

    private static string Required(string mode, Dictionary<string, string> values, string option) =>
        values.TryGetValue(option, out string? value) ? value : throw new ArgumentException($"{mode}: {option} FILE is required");

    private static int Positive(string mode, string option, string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : throw new ArgumentException($"{mode}: {option} expects a positive whole number, received '{value}'");

    private static readonly string[] Modes = ["gemm", "layers", "onnx-vs-torch", "views", "checkpoints", "confidence"];

    /// <summary>The usage for MODE --help (exit 0), or for MODE given too few arguments (exit 2, on stderr).</summary>
    private static int Help(string mode, bool missingArguments = false)
    {
        string line = Usage.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(mode + " ", StringComparison.Ordinal));
        string described = System.Text.RegularExpressions.Regex.Replace(line, @"\s{2,}", " (");
        string usage = $"usage: dotnet run --project benchmarks -c Release -- {described})";
        if (!missingArguments)
        {
            Console.WriteLine(usage);
            return 0;
        }
        Console.Error.WriteLine(usage);
        return 2;
    }
}
