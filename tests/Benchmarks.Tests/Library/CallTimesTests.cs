using System.Diagnostics;

namespace MlNetFashion.Benchmarks.Tests.Library;

/// <summary>Call timing by the wall clock and by the calling thread's CPU time.</summary>
public sealed class CallTimesTests
{
    [Fact]
    public void Measure_ThreadCpuClock_LeavesOutTimeSpentAsleep()
    {
        TimeSpan[] wall = CallTimes.Measure(warmUp: 0, count: 2, () => Thread.Sleep(100));
        TimeSpan[] cpu = CallTimes.Measure(warmUp: 0, count: 2, () => Thread.Sleep(100), CallClock.ThreadCpu);

        Assert.All(wall, t => Assert.True(t >= TimeSpan.FromMilliseconds(90), $"wall {t.TotalMilliseconds} ms"));
        Assert.All(cpu, t => Assert.True(t < TimeSpan.FromMilliseconds(50), $"CPU {t.TotalMilliseconds} ms"));
    }

    [Fact]
    public void Measure_ThreadCpuClock_CountsWork()
    {
        TimeSpan[] cpu = CallTimes.Measure(warmUp: 0, count: 1, () =>
        {
            var watch = Stopwatch.StartNew();
            double x = 1;
            while (watch.ElapsedMilliseconds < 30) x = Math.Sqrt(x + 1);
            GC.KeepAlive(x);
        }, CallClock.ThreadCpu);

        Assert.True(cpu[0] > TimeSpan.Zero, $"CPU {cpu[0].TotalMilliseconds} ms");
    }
}
