using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Benchmarks.Tests;

/// <summary>Runs the benchmarks program's real entry point in-process, capturing stdout and stderr.</summary>
internal static class Cli
{
    public static (int Exit, string Out, string Error) Run(params string[] args) =>
        ConsoleCapture.Run(() => BenchmarkCommandLine.Run(args));

    /// <summary>
    /// Runs <paramref name="args"/> and checks the contract for bad input: exit code 1, nothing on stdout, one line on
    /// stderr. Returns that line without its line break.
    /// </summary>
    public static string RunRefused(params string[] args)
    {
        var (exit, output, error) = Run(args);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Single(error.Trim().Split('\n'));
        return error.Trim();
    }
}
