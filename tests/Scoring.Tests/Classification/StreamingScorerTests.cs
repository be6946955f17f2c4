using System.Text.Json.Nodes;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Data;
using MlNetFashion.Scoring.Imaging;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Scoring.Tests.Classification;

/// <summary>Streaming an IDX file into a predictions file a chunk at a time, and resuming one a crash cut short.</summary>
public sealed class StreamingScorerTests() : TempFolderTests("streaming-")
{
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
        string idx = WriteIdx(Folder, 1000, gzip), path = Path.Combine(Folder, name);
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
        string idx = WriteIdx(Folder, 1000, gzip: false), path = Path.Combine(Folder, name);
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
        var (path, ex) = OpenRefused<IOException>("done.jsonl", "{\"index\":0,\"label\":\"Bag\"}\n", resume: false);
        Assert.Equal($"{path}: already exists; continue it with --resume, or remove it", ex.Message);
        Assert.Equal("{\"index\":0,\"label\":\"Bag\"}\n", File.ReadAllText(path));
    }

    [Fact]
    public void Open_ResumeACsvWithoutTheVerdictColumns_RefusedSayingAnEarlierVersionBeganIt()
    {
        string header = "index,label,labelIndex,confidence," + string.Join(',', Enumerable.Range(0, 10).Select(k => $"p{k}"));
        string content = header + "\n0,\"Bag\",8,0.9" + string.Concat(Enumerable.Repeat(",0.01", 10)) + "\n";

        var (path, ex) = OpenRefused<InvalidDataException>("earlier.csv", content, resume: true);

        Assert.Equal($"{path}: begun by an earlier version, whose rows have no inDistributionScore and verdict columns: finish it "
            + "with that version, or start a new file", ex.Message);
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public void Open_ResumeAFileWithAGap_RefusedNamingTheLine()
    {
        var (path, ex) = OpenRefused<InvalidDataException>("gap.jsonl",
            "{\"index\":0,\"label\":\"Bag\"}\n{\"index\":2,\"label\":\"Bag\"}\n", resume: true);
        Assert.StartsWith($"{path}: line 2: expected the row of image 1", ex.Message);
    }

    /// <summary>A predictions file <paramref name="name"/> holding <paramref name="content"/>, and the error opening it gives.</summary>
    private (string Path, T Error) OpenRefused<T>(string name, string content, bool resume) where T : Exception
    {
        string path = Path.Combine(Folder, name);
        File.WriteAllText(path, content);
        return (path, Assert.Throws<T>(() => PredictionFile.Open(path, resume)));
    }

    [Fact]
    public void Read_FileShorterThanItsHeaderSays_ErrorNamingTheFile()
    {
        string idx = WriteIdx(Folder, 10, gzip: false);
        byte[] bytes = File.ReadAllBytes(idx);
        File.WriteAllBytes(idx, bytes[..(bytes.Length - 100)]);
        using var images = new IdxImageStream(idx);
        var ex = Assert.Throws<InvalidDataException>(() => images.Read(new byte[10 * IdxImageStream.ImageBytes]));
        Assert.Equal("images-idx3-ubyte: the header announces 10 images, the data ends within image 1", ex.Message);
    }

    /// <summary>
    /// The first <paramref name="count"/> test images as 28×28 PNGs under <paramref name="dir"/>, spread over subfolders, plus
    /// a file that is not an image, "bad/broken.png". Returns the files in walk order with the test image each holds (-1:
    /// the broken one).
    /// </summary>
    public static List<(string File, int Image)> WriteFolder(string dir, int count)
    {
        var files = new List<(string File, int Image)>();
        for (int i = 0; i < count; i++)
        {
            // Commas and quotes in names: the CSV file column must carry them.
            string file = $"{(char)('a' + i % 3)}/img,\"{i:D5}\".png";
            Directory.CreateDirectory(Path.Combine(dir, Path.GetDirectoryName(file)!));
            var image = new GrayImage(28, 28, TrainedModel.Test.Image(i % TrainedModel.Test.Count).ToArray());
            File.WriteAllBytes(Path.Combine(dir, file), ImagePreprocessor.EncodePng(image));
            files.Add((file, i));
        }
        Directory.CreateDirectory(Path.Combine(dir, "bad"));
        File.WriteAllText(Path.Combine(dir, "bad", "broken.png"), "not a picture");
        files.Add(("bad/broken.png", -1));
        return [.. files.OrderBy(f => f.File.Split('/')[0], StringComparer.Ordinal).ThenBy(f => f.File, StringComparer.Ordinal)];
    }

    /// <summary>The rows of a predictions file of image files: index, file, labelIndex (-1 for an error row), error.</summary>
    public static List<(int Index, string File, int LabelIndex, string? Error)> FileRows(string path) =>
        [.. File.ReadLines(path).Select(l => JsonNode.Parse(l)!)
            .Select(j => ((int)j["index"]!, (string)j["file"]!, (int?)j["labelIndex"] ?? -1, (string?)j["error"]))];

    [Fact]
    public void Run_Folder_OneRowPerFileInWalkOrderBadImageARowWithItsError()
    {
        string images = Path.Combine(Folder, "images"), path = Path.Combine(Folder, "predictions.jsonl");
        var files = WriteFolder(images, 300);
        using var scorer = BatchScorer.Load(TrainedModel.Onnx);
        var progress = new List<ScoringProgress>();
        (long scored, long errors) result;
        using (var output = PredictionFile.Open(path, resume: false, scorer.Classes, files: true))
            result = StreamingScorer.Run(scorer, new ImageFileWalk(images), output, progress.Add, chunkImages: 64);

        int[] expected = scorer.ScoreIdx(WriteIdx(Folder, 300, gzip: false), null).Predicted;
        var rows = FileRows(path);
        Assert.Equal((301L, 1L), result);
        Assert.Equal(Enumerable.Range(0, 301), rows.Select(r => r.Index));
        Assert.Equal(files.Select(f => f.File), rows.Select(r => r.File));
        Assert.Equal(files.Select(f => f.Image < 0 ? -1 : expected[f.Image]), rows.Select(r => r.LabelIndex));
        Assert.Equal("bad/broken.png: not an image (PNG, JPEG, BMP, GIF or WebP expected)", rows.Single(r => r.LabelIndex < 0).Error);
        Assert.Equal(301, progress[^1].Done);
        Assert.Equal(301, progress[^1].Total);
    }

    [Theory]
    [InlineData("predictions.csv")]
    [InlineData("predictions.jsonl")]
    public void Run_FolderFileCutMidRow_ResumedRunEndsAsAnUninterruptedOne(string name)
    {
        string images = Path.Combine(Folder, "images"), path = Path.Combine(Folder, name);
        WriteFolder(images, 200);
        using var scorer = BatchScorer.Load(TrainedModel.Onnx);
        using (var output = PredictionFile.Open(path, resume: false, scorer.Classes, files: true))
            StreamingScorer.Run(scorer, new ImageFileWalk(images), output, chunkImages: 50);
        string[] reference = File.ReadAllLines(path);
        int header = name.EndsWith(".csv", StringComparison.Ordinal) ? 1 : 0;
        File.WriteAllText(path, string.Join('\n', reference[..(header + 120)]) + "\n" + reference[header + 120][..30]);

        using (var output = PredictionFile.Open(path, resume: true, scorer.Classes, files: true))
        {
            Assert.Equal(120, output.Rows);
            Assert.Equal((81L, 1L), StreamingScorer.Run(scorer, new ImageFileWalk(images), output, chunkImages: 50));
        }
        string[] resumed = File.ReadAllLines(path);
        Assert.Equal(reference.Length, resumed.Length);
        Assert.Equal(reference, resumed);
    }

    [Fact]
    public void Run_FolderChangedBeforeTheLastRow_RefusedAndTheFileLeftAsItWas()
    {
        string images = Path.Combine(Folder, "images"), path = Path.Combine(Folder, "predictions.jsonl");
        var files = WriteFolder(images, 100);
        using var scorer = BatchScorer.Load(TrainedModel.Onnx);
        using (var output = PredictionFile.Open(path, resume: false, scorer.Classes, files: true))
            StreamingScorer.Run(scorer, new ImageFileWalk(images), output, chunkImages: 50);
        string[] lines = File.ReadAllLines(path);
        File.WriteAllText(path, string.Join('\n', lines[..60]) + "\n" + lines[60][..10]);
        byte[] before = File.ReadAllBytes(path);
        // An image of the first folder moved into the last: as many files, but row 59's file is no longer image 59.
        File.Move(Path.Combine(images, files[10].File), Path.Combine(images, "c", "z.png"));

        using (var output = PredictionFile.Open(path, resume: true, scorer.Classes, files: true))
        {
            var ex = Assert.Throws<InvalidDataException>(() => StreamingScorer.Run(scorer, new ImageFileWalk(images), output));
            Assert.StartsWith($"{path}: row 59 is {files[59].File}, but image 59 of {images} is now {files[60].File}", ex.Message);
        }
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    public static List<(int Index, int LabelIndex)> Rows(string path)
    {
        if (path.EndsWith(".csv", StringComparison.Ordinal))
            return [.. File.ReadLines(path).Skip(1).Select(l => l.Split(',')).Select(f => (int.Parse(f[0]), int.Parse(f[2])))];
        return [.. File.ReadLines(path).Select(l => JsonNode.Parse(l)!).Select(j => ((int)j["index"]!, (int)j["labelIndex"]!))];
    }
}
