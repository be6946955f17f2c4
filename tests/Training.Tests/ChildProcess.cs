using System.Diagnostics;

namespace MlNetFashion.Training.Tests;

/// <summary>Runs the built training app (copied beside the tests) in a separate process.</summary>
internal static class ChildProcess
{
    public static string AppPath => Path.Combine(AppContext.BaseDirectory, "MlNetFashion.Training.dll");

    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(AppPath);
        foreach (string a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    public static (int Exit, string Output) RunTrainingApp(params string[] args)
    {
        using Process process = Start(args);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5))) process.Kill(entireProcessTree: true);
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
