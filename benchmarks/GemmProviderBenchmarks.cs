using BenchmarkDotNet.Attributes;
using MlNetFashion.Engine.Kernels;

namespace MlNetFashion.Benchmarks;

/// <summary>
/// BenchmarkDotNet view of the same comparison as the `gemm` console mode, for when full statistics and allocation
/// counts are wanted: `dotnet run --project benchmarks -c Release -- --filter '*GemmProviderBenchmarks*'` (minutes).
/// </summary>
[MemoryDiagnoser]
public class GemmProviderBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    [Params(GemmProvider.Managed, GemmProvider.OpenBlas)]
    public GemmProvider Provider { get; set; }

    /// <summary>"M×N×K": square, and the conv2 chunk forward shape the convolution kernel issues.</summary>
    [Params("1024x1024x1024", "32x980x288")]
    public string Shape { get; set; } = "";

    private int _m, _n, _k;

    [GlobalSetup]
    public void Setup()
    {
        int[] dims = [.. Shape.Split('x').Select(int.Parse)];
        (_m, _n, _k) = (dims[0], dims[1], dims[2]);
        var random = new Random(1);
        _a = [.. Enumerable.Range(0, _m * _k).Select(_ => (float)random.NextDouble())];
        _b = [.. Enumerable.Range(0, _k * _n).Select(_ => (float)random.NextDouble())];
        _c = new float[_m * _n];
        Gemm.Configure(Provider);
    }

    [Benchmark]
    public void Multiply() => Gemm.Multiply(false, false, _m, _n, _k, 1f, _a, _k, _b, _n, 0f, _c, _n);
}
