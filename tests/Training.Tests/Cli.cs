using MlNetFashion.Tests.Shared;
using MlNetFashion.Training.Commands;

namespace MlNetFashion.Training.Tests;

/// <summary>Runs the training app's real entry point in-process, capturing stdout and stderr.</summary>
internal static class Cli
{
    public static (int Exit, string Out, string Error) Run(params string[] args) => ConsoleCapture.Run(() => TrainingCommandLine.Run(args));

    /// <summary>A run that must succeed: asserts exit code 0 (stderr is the failure message) and returns stdout.</summary>
    public static string RunOk(params string[] args)
    {
        var (exit, output, error) = Run(args);
        Assert.True(exit == 0, error);
        return output;
    }

    /// <summary>A command that must be refused: one "error: …" line, exit code 1, nothing on stdout. Returns the line.</summary>
    public static string Refusal(params string[] args) => ConsoleCapture.Refusal(Run(args));

    /// <summary>A folder with copies of the official files, optionally sabotaged.</summary>
    public static string DataCopy(string root)
    {
        string dir = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        foreach (string file in Directory.GetFiles(Pipeline.Data.DataLocator.Locate(null)))
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        return dir;
    }
}
