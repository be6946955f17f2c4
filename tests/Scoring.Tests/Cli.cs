using MlNetFashion.Scoring.Commands;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Scoring.Tests;

/// <summary>Runs the scoring app's real entry point in-process, capturing stdout and stderr.</summary>
internal static class Cli
{
    public static (int Exit, string Out, string Error) Run(params string[] args) => ConsoleCapture.Run(() => ScoringCommandLine.Run(args));

    /// <summary>A command that must be refused: one "error: …" line, exit code 1, nothing on stdout. Returns the line.</summary>
    public static string Refusal(params string[] args) => ConsoleCapture.Refusal(Run(args));
}
