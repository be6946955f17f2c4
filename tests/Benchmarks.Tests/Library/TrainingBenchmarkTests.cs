using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Models;

namespace MlNetFashion.Benchmarks.Tests.Library;

public sealed class TrainingBenchmarkTests
{
    /// <summary>Seven classes on 3×16×16 images: the benchmark's random data follows the net's shapes.</summary>
    private const string TinySpec = """
        {"input": [3, 16, 16],
         "layers": [{"type": "Conv2D", "filters": 4, "kernelSize": 3}, {"type": "Flatten"}, {"type": "Dense", "units": 7}]}
        """;

    [Fact]
    public void Run_TinyNet_MeasuresBothRatesWithTheFlopsOfTheNet()
    {
        Sequential model = ModelSpec.Parse(TinySpec).CreateModel();

        var result = TrainingBenchmark.Run(model, batchSize: 8, seconds: 0.2, threads: 1, ConvolutionAlgorithm.Choice.Im2Col);

        Assert.True(result.TrainImagesPerSecond > 0, result.ToString());
        Assert.True(result.InferenceImagesPerSecond > 0, result.ToString());
        double flops = ModelSummary.ForwardFlops(model);
        Assert.Equal(result.TrainImagesPerSecond * flops * 3 / 1e9, result.TrainGflops, 1e-9);
        Assert.Equal(result.InferenceImagesPerSecond * flops / 1e9, result.InferenceGflops, 1e-9);
        Assert.Equal(1, result.Threads);
        Assert.False(string.IsNullOrWhiteSpace(result.Gemm));
        Assert.Equal(ConvolutionAlgorithm.Describe(ConvolutionAlgorithm.Resolve(ConvolutionAlgorithm.Choice.Im2Col)), result.Convolution);
    }

    [Theory]
    [InlineData(0, 1.0, "batchSize")]
    [InlineData(8, 0.0, "seconds")]
    [InlineData(8, double.NaN, "seconds")]
    [InlineData(8, double.PositiveInfinity, "seconds")]
    public void Run_NonPositiveBatchOrNonFiniteSeconds_ThrowsNamingTheArgument(int batchSize, double seconds, string argument)
    {
        Sequential model = ModelSpec.Parse(TinySpec).CreateModel();

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TrainingBenchmark.Run(model, batchSize, seconds, threads: 1));

        Assert.Equal(argument, ex.ParamName);
    }
}
