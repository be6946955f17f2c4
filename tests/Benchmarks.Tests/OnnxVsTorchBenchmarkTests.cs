using MlNetFashion.Benchmarks.OnnxVsTorch;

namespace MlNetFashion.Benchmarks.Tests;

public sealed class OnnxVsTorchBenchmarkTests
{
    [Theory]
    [InlineData(53.1, 57.1, "1.08× faster")]
    [InlineData(99.8, 90.2, "1.11× slower")]   // printed "0.90× faster" on a run where our export was the slower
    public void Latency_SaysFasterOrSlowerWithARatioAboveOne(double ours, double torch, string expected) =>
        Assert.Equal(expected, OnnxVsTorchBenchmark.Latency(ours, torch));
}
