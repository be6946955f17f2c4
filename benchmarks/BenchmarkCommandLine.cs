using BenchmarkDotNet.Running;
using MlNetFashion.Pipeline.Cli;

namespace MlNetFashion.Benchmarks;

/// <summary>
/// The plain console modes README offers (each prints its table in well under a minute); anything else goes to
/// BenchmarkDotNet. Bad arguments are one line on stderr and exit code 1, as in the two apps (they were stack traces).
/// </summary>
public static class BenchmarkCommandLine
{
    public const string Usage = """
        usage: dotnet run --project benchmarks -c Release -- MODE
          gemm [FILTER]                                  managed vs OpenBLAS SGEMM GFLOP/s (shapes whose name contains FILTER)
          layers [BATCH] [ITERATIONS] [THREADS] [PRESET] forward and backward time of every layer (default 128 30 all seed001)
          onnx-vs-torch                                  our ONNX export of seed001 vs torch.onnx.export (needs /usr/bin/python3 with torch)
          views MODEL.onnx...                            test accuracy of models without views, on 1, 2, 5 and 10 test-time views
          checkpoints PRESET|SPEC.json CKPT...           test accuracy of each checkpoint's weights
          confidence --model FILE [--images N] [--ood-dir DIR] [--data-dir DIR]  calibration, not-a-garment detection, explanations
          anything else                                  BenchmarkDotNet (e.g. --filter '*')
        """;

    public static int Run(string[] args)
    {
        if (args is [] or ["-h" or "--help" or "help"])
        {
            Console.WriteLine(Usage);
            return 0;
        }
        return ErrorReporting.Invoke(() =>
        {
            string mode = args[0];
            string[] rest = args[1..];
            if (Modes.Contains(mode) && mode != "confidence" && rest is [string first, ..] && first.StartsWith('-'))
            {
                if (first is "-h" or "--help") return Help(mode);
                throw new ArgumentException($"{mode}: unrecognized option '{first}' (see '{mode} --help')");
            }
            switch (mode)
            {
                case "gemm":
                    if (rest.Length > 1) throw new ArgumentException($"gemm: expected at most one FILTER, received {rest.Length} arguments");
                    GemmBenchmark.Run(filter: rest is [string filter] ? filter : "");
                    return 0;
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
                case "checkpoints":
                    if (rest.Length < 2) return Help(mode, missingArguments: true);
                    CheckpointAccuracyBenchmark.Run(rest);
                    return Environment.ExitCode;
                case "confidence":
                    if (rest is ["-h" or "--help"]) return Help(mode);
                    ConfidenceBenchmark.Run(rest);
                    return 0;
                default:
                    BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmark).Assembly).Run(args);
                    return 0;
            }
        });
    }

    private static readonly string[] Modes = ["gemm", "layers", "onnx-vs-torch", "views", "checkpoints", "confidence"];

    /// <summary>The usage for MODE --help (exit 0), or for MODE given too few arguments (exit 2, on stderr).</summary>
    private static int Help(string mode, bool missingArguments = false)
    {
        string line = Usage.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(mode + " ", StringComparison.Ordinal));
        string usage = $"usage: dotnet run --project benchmarks -c Release -- {System.Text.RegularExpressions.Regex.Replace(line, @"\s{2,}", " (")})";
        if (!missingArguments)
        {
            Console.WriteLine(usage);
            return 0;
        }
        Console.Error.WriteLine(usage);
        return 2;
    }
}
