using System.Diagnostics;

namespace MlNetFashion.Benchmarks.Tests;

/// <summary>Runs the repository's shell scripts with bash, as a user or CI would.</summary>
internal static class Shell
{
    /// <summary>The folder that holds MlNetFashion.sln, found by walking up from the test binaries.</summary>
    public static string Repository { get; } = FindRepository();

    /// <summary>
    /// bash <paramref name="script"/> <paramref name="args"/>; <paramref name="environment"/> sets variables (a null value
    /// removes one).
    /// </summary>
    public static (int Exit, string Out, string Error) Run(
        string script, IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? environment = null) =>
        Execute("bash", [script, .. args], environment);

    /// <summary>PowerShell 7 runs <paramref name="script"/> <paramref name="args"/>, as a Windows user runs build.ps1.</summary>
    public static (int Exit, string Out, string Error) Pwsh(
        string script, IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? environment = null) =>
        Execute(PwshFactAttribute.Pwsh!, ["-NoProfile", "-NonInteractive", "-File", script, .. args], environment);

    /// <summary><paramref name="program"/> <paramref name="args"/>, waited for, with its output and exit code.</summary>
    public static (int Exit, string Out, string Error) Execute(
        string program, IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) info.ArgumentList.Add(a);
        foreach ((string name, string? value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MlNetFashion.sln"))) return dir.FullName;
        throw new InvalidOperationException("MlNetFashion.sln not found above " + AppContext.BaseDirectory);
    }
}
