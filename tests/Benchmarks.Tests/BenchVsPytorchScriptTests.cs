namespace MlNetFashion.Benchmarks.Tests;

/// <summary>benchmarks/bench_vs_pytorch.sh, which README offers for the engine-vs-PyTorch table: its argument handling.</summary>
public sealed class BenchVsPytorchScriptTests
{
    [Fact]
    public void Help_PrintsTheUsageAndExits0()
    {
        var (exit, output, error) = Script("--help");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Equal("usage: benchmarks/bench_vs_pytorch.sh [--batch-size 128] [--seconds 10] [--threads 2]", output.Trim());
    }

    [Theory]
    [InlineData("--seconds")]
    [InlineData("--batch-size")]
    public void OptionWithoutItsValue_OneErrorLineNamingIt(string option)
    {
        // It was bash's own "line 10: $2: unbound variable".
        var (exit, _, error) = Script("--threads", "2", option);

        Assert.Equal(2, exit);
        Assert.StartsWith($"error: {option}: expected a value (usage: ", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    private static (int Exit, string Out, string Error) Script(params string[] args) =>
        Shell.Run(Path.Combine(Shell.Repository, "benchmarks", "bench_vs_pytorch.sh"), args);
}
