using MlNetFashion.Training.Commands;

namespace MlNetFashion.Training.Tests;

/// <summary>Runs the training app's real entry point in-process, capturing stdout and stderr.</summary>
internal static class Cli
{
    private static readonly object Gate = new();

    public static (int Exit, string Out, string Error) Run(params string[] args)
    {
        lock (Gate)
        {
            TextWriter originalOut = Console.Out, originalError = Console.Error;
            var output = new StringWriter();
            var error = new StringWriter();
            Console.SetOut(output);
            Console.SetError(error);
            try
            {
                int exit = CommandLine.Run(args);
                return (exit, output.ToString(), error.ToString());
            }
            finally
            {
                Console.SetOut(originalOut);
                Console.SetError(originalError);
            }
        }
    }

    /// <summary>A folder with copies of the official files, optionally sabotaged.</summary>
    public static string DataCopy(string root)
    {
        string dir = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        foreach (string file in Directory.GetFiles(Pipeline.Data.DataLocator.Locate(null))) File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        return dir;
    }
}
