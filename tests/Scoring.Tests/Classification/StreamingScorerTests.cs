using System.Text.Json.Nodes;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Scoring.Tests.Classification;

/// <summary>Streaming an IDX file into a predictions file a chunk at a time, and resuming one a crash cut short.</summary>
public sealed class StreamingScorerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("streaming-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>An IDX images file of the first <paramref name="count"/> test images (repeated past 10,000).</summary>
    public static string WriteIdx(string dir, int count, bool gzip)
    {
        var pixels = new byte[count * IdxImageStream.ImageBytes];
        for (int i = 0; i < count; i++)
            TrainedModel.Test.Image(i % TrainedModel.Test.Count).CopyTo(pixels.AsSpan(i * IdxImageStream.ImageBytes));
        string path = Path.Combine(dir, gzip ? "images-idx3-ubyte.gz" : "images-idx3-ubyte");
        IdxWriter.WriteImages(path, pixels, count, 28, 28, gzip);
        return path;
    }

    [Theory]
    [InlineData(false, "predictions.jsonl")]
    [InlineData(true, "predictions.csv")]
    public void Run_IdxFile_OneRowPerImageInOrderWithBatchScoringsLabels(bool gzip, string name)
    {
        string idx = WriteIdx(_dir, 1000, gzip), path = Path.Combine(_dir, name);
        using var scorer = BatchScorer.Load(TrainedModel.Onnx);
        var progress = new List<ScoringProgress>();
        using (var images = new IdxImageStream(idx))
        using (var output = PredictionFile.Open(path, resume: false))
            Assert.Equal(1000, StreamingScorer.Run(scorer, images, output, progress.Add, chunkImages: 128));

        int[] expected = scorer.ScoreIdx(idx, null).Predicted;
        var rows = Rows(path);
        Assert.Equal(Enumerable.Range(0, 1000), rows.Select(r => r.Index));
        Assert.Equal(expected, rows.Select(r => r.LabelIndex));
        Assert.Equal(1000, progress[^1].Done);
        Assert.Equal(TimeSpan.Zero, progress[^1].Remaining);
        Assert.All(progress.Skip(1).SkipLast(1), p => Assert.True(p.Remaining > TimeSpan.Zero));
    }

    [Theory]
    [InlineData("predictions.csv")]
    [InlineData("predictions.jsonl")]
    public void Open_FileCutMidRow_ResumesAtTheFirstImageWithoutACompleteRow(string name)
    {
        string idx = WriteIdx(_dir, 1000, gzip: false), path = Path.Combine(_dir, name);
        using var scorer = BatchScorer.Load(TrainedModel.Onnx);
        using (var images = new IdxImageStream(idx))
        using (var output = PredictionFile.Open(path, resume: false))
            StreamingScorer.Run(scorer, images, output, chunkImages: 100);
        var reference = Rows(path);
        // As a kill -9 in the middle of a write leaves it: 350 complete rows and half of the next.
        string[] lines = File.ReadAllLines(path);
        int header = name.EndsWith(".csv", StringComparison.Ordinal) ? 1 : 0;
        File.WriteAllText(path, string.Join('\n', lines[..(header + 350)]) + "\n" + lines[header + 350][..25]);

        using (var images = new IdxImageStream(idx))
        using (var output = PredictionFile.Open(path, resume: true))
        {
            Assert.Equal(350, output.Rows);
            Assert.Equal(650, StreamingScorer.Run(scorer, images, output, chunkImages: 100));
        }
        var resumed = Rows(path);
        Assert.Equal(Enumerable.Range(0, 1000), resumed.Select(r => r.Index));
        Assert.Equal(reference.Select(r => r.LabelIndex), resumed.Select(r => r.LabelIndex));
    }

    [Fact]
    public void Open_ExistingFileWithoutResume_RefusedAndLeftAsItWas()
    {
        string path = Path.Combine(_dir, "done.jsonl");
        File.WriteAllText(path, "{\"index\":0,\"label\":\"Bag\"}\n");
        var ex = Assert.Throws<IOException>(() => PredictionFile.Open(path, resume: false));
        Assert.Equal($"{path}: already exists; continue it with --resume, or remove it", ex.Message);
        Assert.Equal("{\"index\":0,\"label\":\"Bag\"}\n", File.ReadAllText(path));
    }

    [Fact]
    public void Open_ResumeAFileWithAGap_RefusedNamingTheLine()
    {
        string path = Path.Combine(_dir, "gap.jsonl");
        File.WriteAllText(path, "{\"index\":0,\"label\":\"Bag\"}\n{\"index\":2,\"label\":\"Bag\"}\n");
        var ex = Assert.Throws<InvalidDataException>(() => PredictionFile.Open(path, resume: true));
        Assert.StartsWith($"{path}: line 2: expected the row of image 1", ex.Message);
    }

    [Fact]
    public void Read_FileShorterThanItsHeaderSays_ErrorNamingTheFile()
    {
        string idx = WriteIdx(_dir, 10, gzip: false);
        byte[] bytes = File.ReadAllBytes(idx);
        File.WriteAllBytes(idx, bytes[..(bytes.Length - 100)]);
        using var images = new IdxImageStream(idx);
        var ex = Assert.Throws<InvalidDataException>(() => images.Read(new byte[10 * IdxImageStream.ImageBytes]));
        Assert.Equal("images-idx3-ubyte: the header announces 10 images, the data ends within image 1", ex.Message);
    }

    public static List<(int Index, int LabelIndex)> Rows(string path)
    {
        if (path.EndsWith(".csv", StringComparison.Ordinal))
            return [.. File.ReadLines(path).Skip(1).Select(l => l.Split(',')).Select(f => (int.Parse(f[0]), int.Parse(f[2])))];
        return [.. File.ReadLines(path).Select(l => JsonNode.Parse(l)!).Select(j => ((int)j["index"]!, (int)j["labelIndex"]!))];
    }
}
