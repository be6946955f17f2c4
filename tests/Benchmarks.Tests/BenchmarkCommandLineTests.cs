namespace MlNetFashion.Benchmarks.Tests;

/// <summary>The modes README offers: help, and bad arguments as one error line (they were stack traces, exit 134).</summary>
public sealed class BenchmarkCommandLineTests
{
    [Fact]
    public void Help_NamesEveryModeReadmeOffers()
    {
        var (exit, output, _) = Cli.Run("--help");

        Assert.Equal(0, exit);
        foreach (string mode in new[] { "gemm", "engine", "layers", "onnx-vs-torch", "views", "checkpoints" })
            Assert.Contains($"\n  {mode} ", output);
    }

    [Theory]
    [InlineData("gemm")]
    [InlineData("onnx-vs-torch")]
    public void ModeHelp_PrintsItsUsageInsteadOfRunning(string mode)
    {
        // `gemm --help` ran gemm with "--help" as its filter; `onnx-vs-torch --help` ran the whole benchmark.
        var (exit, output, error) = Cli.Run(mode, "--help");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.StartsWith($"usage: dotnet run --project benchmarks -c Release -- {mode}", output);
        Assert.Single(output.Trim().Split('\n'));
    }

    public static TheoryData<string, string> BadArguments => new()
    {
        { "layers abc", "layers: BATCH: expected a positive integer, received 'abc'" },
        { "layers 0", "layers: BATCH: expected a positive integer, received '0'" },
        { "layers 8 x", "layers: ITERATIONS: expected a positive integer, received 'x'" },
        { "layers 8 2 -1", "layers: THREADS: expected a positive integer, received '-1'" },
        { "engine --seconds 0", "engine: --seconds expects a positive number, received '0'" },
        { "engine --gemm-size x", "engine: --gemm-size expects a positive whole number, received 'x'" },
        { "engine --batch-size -1", "engine: --batch-size expects a positive whole number, received '-1'" },
        { "engine --threads", "engine: --threads expects a value" },
        { "engine --bogus 1", "engine: unrecognized argument '--bogus' (usage: engine [--quick] [--seconds S] [--batch-size B] "
            + "[--threads T] [--gemm-size N])" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void Mode_BadArgument_OneErrorLineNamingIt(string arguments, string expected)
    {
        Assert.Equal($"error: {expected}", Cli.RunRefused(arguments.Split(' ')));
    }

    [Fact]
    public void Layers_UnknownPreset_OneErrorLine()
    {
        string error = Cli.RunRefused("layers", "8", "2", "1", "nope");

        Assert.StartsWith("error: preset: expected one of fast", error);
    }

    [Theory]
    [InlineData("8", 8, 30, null, "seed001", false)]
    [InlineData("64 20 --cpu-time", 64, 20, 1, "seed001", true)]
    [InlineData("--cpu-time 128 20 1 fast", 128, 20, 1, "fast", true)]
    [InlineData("16 5 2 seed004", 16, 5, 2, "seed004", false)]
    public void LayersParse_PositionsAndCpuTimeFlag_GiveTheOptions(string arguments, int batch, int iterations, int? threads,
        string preset, bool cpuTime)
    {
        Assert.Equal(new LayerBenchmark.Options(batch, iterations, threads, preset, cpuTime), LayerBenchmark.Parse(arguments.Split(' ')));
    }

    [Theory]
    [InlineData("8 2 2 --cpu-time", "error: layers: --cpu-time measures one thread: THREADS must be 1, received 2")]
    [InlineData("8 2 1 --cpu-tme", "error: layers: unrecognized option '--cpu-tme' (see 'layers --help')")]
    public void Layers_BadCpuTimeUse_OneErrorLine(string arguments, string expected)
    {
        Assert.Equal(expected, Cli.RunRefused(["layers", .. arguments.Split(' ')]));
    }

    [Fact]
    public void Layers_CpuTime_PrintsEachLayersThreadCpuMilliseconds()
    {
        var (exit, output, error) = Cli.Run("layers", "8", "3", "1", "seed004", "--cpu-time");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("1 threads, GEMM: ", output);
        Assert.Contains("this thread's CPU time, best of 3", output);
        string[] row = output.Split('\n').First(line => line.StartsWith("conv2d", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fwd ms, bwd ms, GFLOP/s, then the same call's forward and backward inside whole steps.
        double forward = double.Parse(row[^5], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(forward, 1e-4, 1e4);
        Assert.Contains("in step:", output);
        double forwardInStep = double.Parse(row[^2], System.Globalization.CultureInfo.InvariantCulture);
        double backwardInStep = double.Parse(row[^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(forwardInStep, 1e-4, 1e4);
        Assert.InRange(backwardInStep, 1e-4, 1e4);
    }

    [Theory]
    [InlineData("views")]
    [InlineData("checkpoints", "seed004")]
    public void ModeWithoutItsFiles_UsageOnStderrAndExit2(params string[] args)
    {
        var (exit, output, error) = Cli.Run(args);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith($"usage: dotnet run --project benchmarks -c Release -- {args[0]} ", error);
    }

    [Fact]
    public void Views_MissingModel_OneErrorLine()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"views-{Guid.NewGuid():N}.onnx");

        Assert.Equal($"error: {missing}: model file not found", Cli.RunRefused("views", missing));
    }
}
