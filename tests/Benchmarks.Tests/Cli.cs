using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Benchmarks.Tests;

/// <summary>Runs the benchmarks program's real entry point in-process, capturing stdout and stderr.</summary>
internal static class Cli
{
    public static (int Exit, string Out, string Error) Run(params string[] args) =>
        ConsoleCapture.Run(() => BenchmarkCommandLine.Run(args));

    /// <summary>
    /// Runs <paramref name="args"/> as bad input: nothing on stdout and <see cref="ConsoleCapture.ErrorLine"/>'s one error
    /// line, which it returns.
    /// </summary>
    public static string RunRefused(params string[] args)
    {
        var (exit, output, error) = Run(args);

        Assert.Equal("", output);
        return ConsoleCapture.ErrorLine(exit, error);
    }
}
