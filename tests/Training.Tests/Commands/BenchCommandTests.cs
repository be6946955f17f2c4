using System.Text.Json.Nodes;

namespace MlNetFashion.Training.Tests.Commands;

public sealed class BenchCommandTests
{
    [Fact]
    public void Bench_Json_ReportsBothSpeedsAndWhatComputedThem()
    {
        string output = Cli.RunOk("bench", "--preset", "seed004", "--batch-size", "16", "--seconds", "0.3", "--json");

        var result = JsonNode.Parse(output)!.AsObject();
        Assert.True((double)result["trainImagesPerSecond"]! > 0, output);
        Assert.True((double)result["inferenceImagesPerSecond"]! > 0, output);
        Assert.Equal("two-conv", (string?)result["preset"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)result["gemm"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)result["convolution"]));
    }

    [Fact]
    public void Bench_Text_NamesTheGemmProviderAndTheConvolutionKernels()
    {
        string output = Cli.RunOk("bench", "--preset", "seed000", "--batch-size", "8", "--seconds", "0.2");

        Assert.Contains("GEMM: ", output);
        Assert.Contains("convolution: ", output);
        Assert.Matches(@"train:\s+[\d,]+ img/s", output);
        Assert.Matches(@"inference:\s+[\d,]+ img/s", output);
    }

    [Fact]
    public void Bench_ModelSpecOfAnotherInputAndClassCount_MeasuresItOnDataOfItsShape()
    {
        // bench measures any net's speed; random labels over ten classes failed a seven-class net in the loss.
        string spec = Path.Combine(Path.GetTempPath(), $"bench-rgb-{Guid.NewGuid():N}.json");
        File.WriteAllText(spec, """
            {"input": [3, 32, 32],
             "layers": [{"type": "Conv2D", "filters": 4, "kernelSize": 3}, {"type": "Flatten"}, {"type": "Dense", "units": 7}]}
            """);
        try
        {
            string output = Cli.RunOk("bench", "--model-spec", spec, "--batch-size", "8", "--seconds", "0.2", "--json");

            var result = JsonNode.Parse(output)!.AsObject();
            Assert.True((double)result["trainImagesPerSecond"]! > 0, output);
            Assert.True((double)result["inferenceImagesPerSecond"]! > 0, output);
        }
        finally
        {
            File.Delete(spec);
        }
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public async Task Bench_NonFiniteSeconds_OneErrorLineInsteadOfRunningForever(string seconds)
    {
        // Before the check, the timer never fired and bench trained until killed: the timeout bounds the test.
        var (exit, output, error) = await Task.Run(() => Cli.Run("bench", "--preset", "seed004", "--batch-size", "8", "--seconds", seconds))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        Assert.Equal("error: bench: expected a positive --batch-size and a finite positive --seconds "
            + $"(received --batch-size 8, --seconds {seconds})", error.Trim());
        Assert.Equal("", output);
    }

    [Fact]
    public void Bench_SecondsShorterThanOneStep_StillMeasuresABatch()
    {
        string output = Cli.RunOk("bench", "--preset", "seed004", "--batch-size", "8", "--seconds", "1e-9", "--json");

        Assert.True((double)JsonNode.Parse(output)!["trainImagesPerSecond"]! > 0, output);
    }
}
