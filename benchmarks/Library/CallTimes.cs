using System.Diagnostics;

namespace MlNetFashion.Benchmarks;

/// <summary>The wall time of single calls, each timed on its own after warm-up calls that are not (tier-0 JIT, caches).</summary>
public static class CallTimes
{
    /// <summary><paramref name="count"/> timings of <paramref name="action"/>, after <paramref name="warmUp"/> untimed calls.</summary>
    public static TimeSpan[] Measure(int warmUp, int count, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        for (int i = 0; i < warmUp; i++) action();
        var times = new TimeSpan[count];
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start);
        }
        return times;
    }
}
