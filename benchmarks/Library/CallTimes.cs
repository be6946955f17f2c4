using System.Diagnostics;

namespace MlNetFashion.Benchmarks;

/// <summary>What <see cref="CallTimes"/> measures a call by.</summary>
public enum CallClock
{
    /// <summary>Wall time.</summary>
    Wall,

    /// <summary>The calling thread's CPU time (<see cref="ThreadCpuClock"/>): waits for a core do not count.</summary>
    ThreadCpu,
}

/// <summary>The time of single calls, each timed on its own after warm-up calls that are not (tier-0 JIT, caches).</summary>
public static class CallTimes
{
    /// <summary>
    /// <paramref name="count"/> timings of <paramref name="action"/> by <paramref name="clock"/>, after <paramref name="warmUp"/>
    /// untimed calls.
    /// </summary>
    public static TimeSpan[] Measure(int warmUp, int count, Action action, CallClock clock = CallClock.Wall)
    {
        ArgumentNullException.ThrowIfNull(action);
        for (int i = 0; i < warmUp; i++) action();
        var times = new TimeSpan[count];
        for (int i = 0; i < count; i++)
        {
            if (clock == CallClock.ThreadCpu)
            {
                double before = ThreadCpuClock.Milliseconds;
                action();
                times[i] = TimeSpan.FromMilliseconds(ThreadCpuClock.Milliseconds - before);
                continue;
            }
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start);
        }
        return times;
    }
}
