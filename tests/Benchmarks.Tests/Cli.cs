using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Benchmarks.Tests;

/// <summary>Runs the benchmarks program's real entry point in-process, capturing stdout and stderr.</summary>
internal static class Cli
{
    public static (int Exit, string Out, string Error) Run(params string[] args) =>
        ConsoleCapture.Run(() => BenchmarkCommandLine.Run(args));
}
