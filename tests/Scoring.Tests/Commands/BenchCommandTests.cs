using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Scoring.Tests.Commands;

public sealed class BenchCommandTests() : TempFolderTests("scoring-bench-")
{
    [Fact]
    public void Bench_MoreImagesThanTheTestSet_SaysSoFirstThenMeasuresTheWholeSet()
    {
        WriteTestSet(30);

        var (exit, output, error) = Cli.Run("bench", "--model", TrainedModel.Onnx, "--data-dir", Folder, "--images", "50");

        Assert.True(exit == 0, error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"bench {TrainedModel.Onnx} on 30 test images from {Folder} (--images 50: the test set has 30)", lines[0].TrimEnd());
        Assert.Contains(lines, l => l.StartsWith("raw ONNX Runtime, 30 images:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("BatchScorer, 30 images:", StringComparison.Ordinal));
    }

    [Fact]
    public void Bench_FewerImagesThanTheTestSet_NamesTheCountWithoutAClampNote()
    {
        WriteTestSet(30);

        var (exit, output, error) = Cli.Run("bench", "--model", TrainedModel.Onnx, "--data-dir", Folder, "--images", "12");

        Assert.True(exit == 0, error);
        Assert.Equal($"bench {TrainedModel.Onnx} on 12 test images from {Folder}", output.Split('\n')[0].TrimEnd());
        Assert.Contains("BatchScorer, 12 images:", output);
        // The scan's sizes above 12 are all one batch of 12: named as such, not "batch 100".
        Assert.Contains("img/s at its best (batch 12, ", output);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("zip")]
    public void Bench_ModelThatIsNotAnOnnxFile_OneLineNamingItBeforeTheHeader(string kind)
    {
        WriteTestSet(30);
        (string model, string message) = kind == "missing"
            ? (Path.Combine(Folder, "nope.onnx"), "model file not found")
            : (TrainedModel.Zip, "bench expected model.onnx (raw ONNX Runtime cannot run an ML.NET model.zip; train writes both)");

        var (exit, output, error) = Cli.Run("bench", "--model", model, "--data-dir", Folder);

        Assert.Equal(1, exit);
        Assert.Equal($"error: {model}: {message}", error.Trim());
        Assert.Equal("", output);
    }

    /// <summary>A data folder whose official test set is the first <paramref name="count"/> images.</summary>
    private void WriteTestSet(int count)
    {
        var test = TrainedModel.Test.Take(count);
        Pipeline.Data.IdxWriter.WriteImages(Path.Combine(Folder, "t10k-images-idx3-ubyte"), test.Pixels, test.Count, 28, 28);
        Pipeline.Data.IdxWriter.WriteLabels(Path.Combine(Folder, "t10k-labels-idx1-ubyte"), test.Labels);
    }
}
