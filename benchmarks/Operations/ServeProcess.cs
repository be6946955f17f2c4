using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;

namespace MlNetFashion.Benchmarks.Operations;

/// <summary>A process of the built app or of a tool, its output collected, killed on Dispose if still running.</summary>
public sealed partial class ServeProcess : IDisposable
{
    private const int SigInt = 2, SigTerm = 15;
    private readonly ConcurrentQueue<string> _lines = new();

    private ServeProcess(Process process) => Process = process;

    public Process Process { get; }

    /// <summary>Every line written so far, stdout and stderr.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>
    /// The scoring app in the same configuration as this program (tests/Scoring.Tests/bin/CONFIG or benchmarks/bin/CONFIG →
    /// Scoring/bin/CONFIG).
    /// </summary>
    public static string AppDll { get; } = BuiltApp.Dll("Scoring", "MlNetFashion.Scoring.App.dll");

    /// <summary>The repository's root folder.</summary>
    public static string Root { get; } = BuiltApp.RepositoryRoot();

    /// <summary>`dotnet App.dll ARGS` with these environment variables; returns once it printed "serving …" (or failed).</summary>
    public static ServeProcess StartServe(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        // SIGINT back to its default first: a process started in the background of a script without job control
        // inherits SIGINT ignored (POSIX), and .NET keeps an inherited ignore, so Ctrl+C would never reach serve.
        var serve = Start("env", args.Prepend(AppDll).Prepend("dotnet").Prepend("--default-signal=INT"), environment);
        var clock = Stopwatch.StartNew();
        while (!serve.Lines.Any(l => l.StartsWith("serving ", StringComparison.Ordinal)))
        {
            if (serve.Process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new InvalidOperationException($"serve did not start: {string.Join(" | ", serve.Lines)}");
            Thread.Sleep(50);
        }
        return serve;
    }

    public static ServeProcess Start(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) info.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>()) info.Environment[key] = value;
        var process = new Process { StartInfo = info };
        var started = new ServeProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) started._lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) started._lines.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>SIGKILL: no drain, no cleanup, as a crash or the OOM killer.</summary>
    public void Kill() => Process.Kill();

    /// <summary>SIGTERM, as Kubernetes and systemd stop a service.</summary>
    public void Terminate()
    {
        if (Kill(Process.Id, SigTerm) != 0) throw new InvalidOperationException($"kill -TERM {Process.Id} failed");
    }

    /// <summary>SIGINT, as Ctrl+C at a terminal.</summary>
    public void Interrupt()
    {
        if (Kill(Process.Id, SigInt) != 0) throw new InvalidOperationException($"kill -INT {Process.Id} failed");
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
            Process.WaitForExit(10_000);
        }
        Process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
