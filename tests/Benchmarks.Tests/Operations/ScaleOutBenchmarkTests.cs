using MlNetFashion.Benchmarks.Operations;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Benchmarks.Tests.Operations;

/// <summary>scale-out for a few seconds: three replicas behind HAProxy and one direct, every answer checked.</summary>
public sealed class ScaleOutBenchmarkTests() : TempFolderTests("scale-out-bench-")
{
    [HaproxyFact]
    public async Task Run_FewSeconds_BothPathsAnsweredEveryReplicaUsedNoneFailed()
    {
        var output = new StringWriter();

        ScaleOutBenchmark.Result r = await ScaleOutBenchmark.RunAsync(
            new ScaleOutBenchmark.Options(BatchScoringBenchmarkTests.SmallModel(Folder), Seconds: 2, Clients: 2), output);

        Assert.True(r.DirectAnswered > 0 && r.BalancedAnswered > 0, output.ToString());
        Assert.Equal(0, r.Failed);
        Assert.Equal(["r1", "r2", "r3"], r.ByReplica.Keys.Order());
        Assert.Equal(r.BalancedPerSecond / r.DirectPerSecond, r.Ratio, 12);
        string text = output.ToString();
        Assert.Contains($"CPU: {MeasuredRun.CpuModelName()}", text);
        Assert.Contains("| one replica, direct |", text);
        Assert.Contains("| three via HAProxy / one direct |", text);
    }
}
