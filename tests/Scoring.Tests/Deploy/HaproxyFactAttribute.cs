namespace MlNetFashion.Scoring.Tests.Deploy;

/// <summary>A test that runs Debian's HAProxy (./build.sh setup installs it), skipped with the reason where it cannot.</summary>
public sealed class HaproxyFactAttribute : FactAttribute
{
    public HaproxyFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "the scale-out test sends POSIX signals to Linux processes";
        else if (Haproxy.Executable is null) Skip = "haproxy is not installed (./build.sh setup installs Debian's haproxy)";
    }
}

/// <summary>A test that sends POSIX signals (SIGTERM) to a process, skipped elsewhere.</summary>
public sealed class PosixSignalsFactAttribute : FactAttribute
{
    public PosixSignalsFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "sends SIGTERM to a Linux process";
    }
}
