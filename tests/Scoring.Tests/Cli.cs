using MlNetFashion.Scoring.Commands;

namespace MlNetFashion.Scoring.Tests;

/// <summary>Runs the scoring app's real entry point in-process, capturing stdout and stderr.</summary>
internal static class Cli
{
    public static (int Exit, string Out, string Error) Run(params string[] args)
    {
        TextWriter originalOut = Console.Out, originalError = Console.Error;
        var (output, error) = (new StringWriter(), new StringWriter());
        Console.SetOut(output);
        Console.SetError(error);
        try { return (ScoringCommandLine.Run(args), output.ToString(), error.ToString()); }
        finally { Console.SetOut(originalOut); Console.SetError(originalError); }
    }
}
