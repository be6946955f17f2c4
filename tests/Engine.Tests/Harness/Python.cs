using System.Diagnostics;

namespace MlNetFashion.Engine.Tests.Harness;

/// <summary>Debian's /usr/bin/python3, for the tests that hand an exported model to Python's onnx package.</summary>
public static class Python
{
    public const string Executable = "/usr/bin/python3";

    private static readonly Lazy<bool> HasOnnxOnce = new(() => File.Exists(Executable) && Run("-c", "import onnx").Exit == 0);

    /// <summary>Whether python3 can import onnx (Debian's python3-onnx); asked once per test run.</summary>
    public static bool HasOnnx => HasOnnxOnce.Value;

    /// <summary>Runs python3 with <paramref name="args"/>; returns its exit code and its stdout then stderr.</summary>
    public static (int Exit, string Output) Run(params string[] args)
    {
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd() + error.Result;
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
