using System.Diagnostics;

namespace MlNetFashion.Training.Tests;

/// <summary>Runs the built training app (copied beside the tests) in a separate process.</summary>
internal static class ChildProcess
{
    public static string AppPath => Path.Combine(AppContext.BaseDirectory, "MlNetFashion.Training.dll");

    public static Process Start(params string[] args) => Start(interruptible: false, args);

    /// <summary>
    /// For the SIGINT tests: the app with SIGINT's default disposition restored. A suite started as a background job of a
    /// shell without job control (`(./build.sh test &)`, some CI runners) inherits SIGINT ignored, .NET keeps it ignored,
    /// and the signal the test sends never arrives (exit 0, or no exit in time).
    /// </summary>
    public static Process StartInterruptible(params string[] args) => Start(interruptible: true, args);

    private static Process Start(bool interruptible, string[] args)
    {
        // env execs the app in its own process, so the pid the tests signal is the app's.
        var info = new ProcessStartInfo(interruptible ? "/usr/bin/env" : "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false
        };
        if (interruptible)
        {
            info.ArgumentList.Add("--default-signal=INT");
            info.ArgumentList.Add("dotnet");
        }
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
