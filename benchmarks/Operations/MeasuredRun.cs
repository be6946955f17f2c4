using System.Diagnostics;
using System.Globalization;

namespace MlNetFashion.Benchmarks.Operations;

/// <summary>A finished process run: exit code, wall-clock seconds, and its peak resident memory (bytes; 0 where unknown).</summary>
public sealed record MeasuredRun(int ExitCode, double Seconds, long PeakRssBytes, string Output)
{
    /// <summary>
    /// Runs `dotnet App.dll ARGS` to the end, reading its peak resident set (VmHWM in /proc/PID/status, which only grows)
    /// every 20 ms: the last reading before exit is the peak.
    /// </summary>
    public static MeasuredRun Of(IEnumerable<string> args)
    {
        var clock = Stopwatch.StartNew();
        using var app = ServeProcess.Start("dotnet", args.Prepend(ServeProcess.AppDll));
        long peak = 0;
        while (!app.Process.WaitForExit(20)) peak = Math.Max(peak, PeakRss(app.Process.Id));
        double seconds = clock.Elapsed.TotalSeconds;
        app.Process.WaitForExit();   // the output readers drain
        return new MeasuredRun(app.Process.ExitCode, seconds, peak, string.Join("\n", app.Lines));
    }

    /// <summary>VmHWM of a running process in bytes; 0 once it is gone or where /proc does not exist.</summary>
    public static long PeakRss(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            // The process has just exited.
        }
        return 0;
    }

    /// <summary>The CPU's model name as lscpu prints it ("model name" in /proc/cpuinfo), or the architecture elsewhere.</summary>
    public static string CpuModelName()
    {
        if (File.Exists("/proc/cpuinfo"))
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is int colon and > 0)
                    return line[(colon + 1)..].Trim();
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }
}
