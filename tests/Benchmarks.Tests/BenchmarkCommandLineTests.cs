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

    [Theory]
    [InlineData("abc", "BATCH", "abc")]
    [InlineData("0", "BATCH", "0")]
    [InlineData("8 x", "ITERATIONS", "x")]
    [InlineData("8 2 -1", "THREADS", "-1")]
    public void Layers_CountThatIsNotAPositiveInteger_OneErrorLineNamingIt(string arguments, string name, string value)
    {
        var (exit, output, error) = Cli.Run(["layers", .. arguments.Split(' ')]);

        Assert.Equal(1, exit);
        Assert.Equal($"error: layers: {name}: expected a positive integer, received '{value}'", error.Trim());
        Assert.Equal("", output);
    }

    [Fact]
    public void Layers_UnknownPreset_OneErrorLine()
    {
        var (exit, _, error) = Cli.Run("layers", "8", "2", "1", "nope");

        Assert.Equal(1, exit);
        Assert.StartsWith("error: preset: expected one of fast", error);
        Assert.Single(error.Trim().Split('\n'));
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

        var (exit, output, error) = Cli.Run("views", missing);

        Assert.Equal(1, exit);
        Assert.Equal($"error: {missing}: model file not found", error.Trim());
        Assert.Equal("", output);
    }
}
