using MlNetFashion.Tests.Shared;
using MlNetFashion.Training.Commands;

namespace MlNetFashion.Training.Tests;

/// <summary>Runs the training app's real entry point in-process, capturing stdout and stderr.</summary>
internal static class Cli
{
    public static (int Exit, string Out, string Error) Run(params string[] args) => ConsoleCapture.Run(() => TrainingCommandLine.Run(args));

    /// <summary>A folder with copies of the official files, optionally sabotaged.</summary>
    public static string DataCopy(string root)
    {
        string dir = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        foreach (string file in Directory.GetFiles(Pipeline.Data.DataLocator.Locate(null)))
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        return dir;
    }
}
