using System.Runtime.InteropServices;

namespace MlNetFashion.Benchmarks;

/// <summary>
/// CPU time the calling thread has run, in milliseconds: time spent waiting for a core that other processes hold does
/// not count, so minimums taken on a shared machine still compare (Linux: clock_gettime(CLOCK_THREAD_CPUTIME_ID);
/// Windows: GetThreadTimes, in 100-ns units).
/// </summary>
public static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    public static bool IsSupported => OperatingSystem.IsLinux() || OperatingSystem.IsWindows();

    public static double Milliseconds
    {
        get
        {
            if (OperatingSystem.IsLinux())
            {
                if (ClockGetTime(ClockThreadCpuTimeId, out TimeSpec t) != 0)
                    throw new InvalidOperationException(
                        $"clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed: errno {Marshal.GetLastPInvokeError()}");
                return t.Seconds * 1e3 + t.Nanoseconds * 1e-6;
            }
            if (OperatingSystem.IsWindows())
            {
                if (!GetThreadTimes(GetCurrentThread(), out _, out _, out long kernel, out long user))
                    throw new InvalidOperationException($"GetThreadTimes failed: error {Marshal.GetLastPInvokeError()}");
                return (kernel + user) * 1e-4;
            }
            throw new PlatformNotSupportedException("thread CPU time is measured on Linux and Windows only");
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [LibraryImport("kernel32.dll")]
    private static partial IntPtr GetCurrentThread();

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetThreadTimes(IntPtr thread, out long creation, out long exit, out long kernel, out long user);
}
