namespace MlNetFashion.Tests.Shared;

/// <summary>
/// Runs an app's real entry point in-process with stdout and stderr captured. Compiled into each test project that
/// drives a command line (linked, not referenced: the projects share no test library). One run at a time: Console is
/// process-wide, and xunit runs test classes in parallel.
/// </summary>
internal static class ConsoleCapture
{
    private static readonly object Gate = new();

    public static (int Exit, string Out, string Error) Run(Func<int> entryPoint)
    {
        lock (Gate)
        {
            TextWriter originalOut = Console.Out, originalError = Console.Error;
            var (output, error) = (new StringWriter(), new StringWriter());
            Console.SetOut(output);
            Console.SetError(error);
            try
            {
                int exit = entryPoint();
                return (exit, output.ToString(), error.ToString());
            }
            finally
            {
                Console.SetOut(originalOut);
                Console.SetError(originalError);
                Environment.ExitCode = 0;   // an entry point may report through it; the test host must not inherit it
            }
        }
    }

    /// <summary>
    /// Bad input as every app reports it: exit code 1 and one line on stderr, "error: …", without a stack trace.
    /// Returns that line.
    /// </summary>
    public static string ErrorLine(int exit, string error)
    {
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1, exit);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain("   at ", error);
        return lines[0];
    }

    /// <summary>A command refused before it did anything: <see cref="ErrorLine"/>, and nothing on stdout. Returns the line.</summary>
    public static string Refusal((int Exit, string Out, string Error) run)
    {
        Assert.Equal("", run.Out);
        return ErrorLine(run.Exit, run.Error);
    }
}
