using System.Text.Json.Nodes;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Imaging;
using MlNetFashion.Scoring.Tests.Classification;
using MlNetFashion.Scoring.Tests.Deploy;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Scoring.Tests.Commands;

/// <summary>predict --idx … --out FILE [--resume]: the command line of streaming batch scoring.</summary>
public sealed class PredictToFileTests() : TempFolderTests("predict-out-")
{
    [PosixSignalsFact]
    public void Predict_KilledMidRunThenResumed_EveryImageOnceInOrder()
    {
        const int count = 60_000;
        string idx = StreamingScorerTests.WriteIdx(Folder, count, gzip: false), output = Path.Combine(Folder, "predictions.jsonl");
        string[] args = [ServeProcess.AppDll, "predict", "--model", TrainedModel.Onnx, "--idx", idx, "--out", output];
        using (var run = ServeProcess.Start("dotnet", args))
        {
            // Killed once the first chunk is on disk, as a crash or the OOM killer would.
            while (!run.Process.HasExited && (!File.Exists(output) || new FileInfo(output).Length == 0)) Thread.Sleep(20);
            Assert.False(run.Process.HasExited, $"the run finished before it could be killed: {string.Join(" | ", run.Lines)}");
            run.Kill();
            run.Process.WaitForExit();
        }
        int before = File.ReadLines(output).Count();
        Assert.InRange(before, 1, count - 1);

        var (exit, text, error) = Cli.Run("predict", "--model", TrainedModel.Onnx, "--idx", idx, "--out", output, "--resume");

        Assert.True(exit == 0, error);
        var rows = StreamingScorerTests.Rows(output);
        Assert.Equal(Enumerable.Range(0, count), rows.Select(r => r.Index));
        using var scorer = BatchScorer.Load(TrainedModel.Onnx);
        string once = Directory.CreateDirectory(Path.Combine(Folder, "once")).FullName;
        int[] expected = scorer.ScoreIdx(StreamingScorerTests.WriteIdx(once, TrainedModel.Test.Count, gzip: false), null).Predicted;
        Assert.Equal(rows.Select(r => expected[r.Index % expected.Length]), rows.Select(r => r.LabelIndex));
        Assert.Contains($"{output}: 60,000 rows (", text);
        Assert.Contains(" kept from before, ", text);
    }

    /// <summary>Uses of --out and --resume that are refused before anything is written.</summary>
    public enum BadOutUse
    {
        Exists,
        BadExtension,
        WithoutIdx,
        TwoFolders,
        MissingFolder,
        ResumeWithoutOut,
    }

    [Theory]
    [InlineData(BadOutUse.Exists, "already exists; continue it with --resume, or remove it")]
    [InlineData(BadOutUse.BadExtension, "expected a .csv or .jsonl file name")]
    [InlineData(BadOutUse.WithoutIdx, "--out requires --idx FILE or one FOLDER")]
    [InlineData(BadOutUse.TwoFolders, "--out takes --idx FILE or one FOLDER of images, received 2 argument(s)")]
    [InlineData(BadOutUse.MissingFolder, "p.csv: folder ")]
    [InlineData(BadOutUse.ResumeWithoutOut, "--resume requires --out")]
    public void Predict_BadOutUse_OneErrorLine(BadOutUse use, string expected)
    {
        string idx = StreamingScorerTests.WriteIdx(Folder, 10, gzip: false), existing = Path.Combine(Folder, "old.csv");
        File.WriteAllText(existing, "kept");
        string[] args = use switch
        {
            BadOutUse.Exists => ["predict", "--model", TrainedModel.Onnx, "--idx", idx, "--out", existing],
            BadOutUse.BadExtension => ["predict", "--model", TrainedModel.Onnx, "--idx", idx, "--out", Path.Combine(Folder, "p.txt")],
            BadOutUse.WithoutIdx => ["predict", "--model", TrainedModel.Onnx, "--out", Path.Combine(Folder, "p.csv")],
            BadOutUse.TwoFolders => ["predict", "--model", TrainedModel.Onnx, Folder, Folder, "--out", Path.Combine(Folder, "p.csv")],
            BadOutUse.MissingFolder =>
                ["predict", "--model", TrainedModel.Onnx, "--idx", idx, "--out", Path.Combine(Folder, "nope", "p.csv")],
            BadOutUse.ResumeWithoutOut => ["predict", "--model", TrainedModel.Onnx, "--idx", idx, "--resume"],
            _ => throw new ArgumentOutOfRangeException(nameof(use), use, null),
        };
        var (exit, _, error) = Cli.Run(args);
        Assert.Equal(1, exit);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, error);
        Assert.Equal("kept", File.ReadAllText(existing));
        Assert.False(Directory.Exists(Path.Combine(Folder, "nope")));
    }

    [PosixSignalsFact]
    public void Predict_FolderKilledMidRunThenResumed_EveryFileOnceInWalkOrder()
    {
        string images = Path.Combine(Folder, "images"), output = Path.Combine(Folder, "predictions.csv");
        var files = StreamingScorerTests.WriteFolder(images, 4000);
        string[] args = [ServeProcess.AppDll, "predict", "--model", TrainedModel.Onnx, images, "--out", output];
        using (var run = ServeProcess.Start("dotnet", args))
        {
            // Killed once the first chunk is on disk (the header alone is one line).
            while (!run.Process.HasExited && (!File.Exists(output) || File.ReadLines(output).Count() < 2)) Thread.Sleep(20);
            Assert.False(run.Process.HasExited, $"the run finished before it could be killed: {string.Join(" | ", run.Lines)}");
            run.Kill();
            run.Process.WaitForExit();
        }
        // Whole rows only: the kill may cut the last one short, and --resume scores that image again.
        int before = File.ReadAllText(output).Count(c => c == '\n') - 1;
        Assert.InRange(before, 1, files.Count - 1);

        var (exit, text, error) = Cli.Run("predict", "--model", TrainedModel.Onnx, images, "--out", output, "--resume");

        string jsonl = Path.Combine(Folder, "once.jsonl");
        Assert.Equal(1, Cli.Run("predict", "--model", TrainedModel.Onnx, images, "--out", jsonl).Exit);
        var once = StreamingScorerTests.FileRows(jsonl);
        string[] rows = [.. File.ReadLines(output).Skip(1)];
        Assert.Equal(Enumerable.Range(0, files.Count), rows.Select(r => int.Parse(r[..r.IndexOf(',')])));
        Assert.Equal(once.Select(r => $"{r.Index},\"{r.File.Replace("\"", "\"\"")}\","), rows.Select(r => r[..(r.IndexOf(".png\",") + 6)]));
        Assert.Contains($"{output}: 4,001 rows (", text);
        Assert.Contains(" kept from before, ", text);
        // bad/broken.png sorts after the 2,667 files of a/ and b/: the resumed run reports it when the kill came before it
        // (a loaded machine may write more chunks first). Progress lines come before the error line.
        bool badScoredNow = files.FindIndex(f => f.Image < 0) >= before;
        string[] errorLines = [.. error.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal))];
        Assert.Equal(badScoredNow ? 1 : 0, exit);
        Assert.Equal(badScoredNow ? [$"error: {images}: 1 of the {files.Count - before:N0} files scored now could not be read or decoded: "
            + $"their rows in {output} carry the error"] : [], errorLines);
    }

    [Fact]
    public void Predict_FolderOutWithTiffScansAndABrokenPng_RowsForTheOthersAWarningNamingTheFormatThenAnErrorCountingTheBroken()
    {
        string images = Path.Combine(Folder, "images"), output = Path.Combine(Folder, "predictions.csv");
        StreamingScorerTests.WriteFolder(images, 5);
        File.WriteAllBytes(Path.Combine(images, "scan.tiff"), "II*\0"u8.ToArray());

        var (exit, text, error) = Cli.Run("predict", "--model", TrainedModel.Onnx, images, "--out", output);

        Assert.Equal(1, exit);
        Assert.Equal($"{output}: 6 rows (6 scored now)", text.Trim());
        Assert.Equal([$"warning: {images}: 1 file passed over: the TIFF format cannot be decoded here (PNG, JPEG, BMP, GIF or WebP "
            + "expected; convert the files to one of them)", $"error: {images}: 1 of the 6 files scored now could not be read or "
            + $"decoded: their rows in {output} carry the error"], error.Trim().Split('\n').TakeLast(2));
        Assert.Single(File.ReadLines(output), l => l.Contains("broken.png", StringComparison.Ordinal));
    }

    [Fact]
    public void Predict_FolderOut_EachRowHasTheScoreAndVerdictPredictJsonGivesItsFile()
    {
        string images = Directory.CreateDirectory(Path.Combine(Folder, "images")).FullName;
        string[] names = [.. Enumerable.Range(0, 8).Select(i => $"g{i}.png"), "blank.png"];
        for (int i = 0; i < names.Length; i++)
        {
            byte[] pixels = i < 8 ? TrainedModel.Test.Image(i).ToArray() : new byte[784];
            File.WriteAllBytes(Path.Combine(images, names[i]), ImagePreprocessor.EncodePng(new GrayImage(28, 28, pixels)));
        }
        string jsonl = Path.Combine(Folder, "rows.jsonl"), csv = Path.Combine(Folder, "rows.csv");

        Assert.Equal(0, Cli.Run("predict", "--model", CalibratedModel.Onnx, images, "--out", jsonl).Exit);
        Assert.Equal(0, Cli.Run("predict", "--model", CalibratedModel.Onnx, images, "--out", csv).Exit);

        var (exit, json, error) = Cli.Run(
            ["predict", "--model", CalibratedModel.Onnx, "--json", .. names.Select(n => Path.Combine(images, n))]);
        Assert.True(exit == 0, error);
        Dictionary<string, JsonNode> expected =
            JsonNode.Parse(json)!.AsArray().ToDictionary(r => Path.GetFileName((string)r!["file"]!), r => r!);
        JsonNode[] rows = [.. File.ReadLines(jsonl).Select(l => JsonNode.Parse(l)!)];
        string[] csvRows = [.. File.ReadLines(csv)];
        Assert.Equal("index,file,label,labelIndex,confidence,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9,inDistributionScore,verdict,error", csvRows[0]);
        Assert.Equal(names.Order(StringComparer.Ordinal), rows.Select(r => (string)r["file"]!));
        for (int i = 0; i < rows.Length; i++)
        {
            JsonNode row = rows[i], single = expected[(string)row["file"]!];
            Assert.Equal((string)single["verdict"]!, (string)row["verdict"]!);
            Assert.Equal((double)single["inDistributionScore"]!, (double)row["inDistributionScore"]!, 1e-3);
            Assert.Equal((string)single["label"]!, (string)row["label"]!);
            string[] fields = csvRows[i + 1].Split(',');
            Assert.Equal($"\"{(string)row["verdict"]!}\"", fields[^2]);
            Assert.Equal((double)row["inDistributionScore"]!, double.Parse(fields[^3], System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Equal("not a garment", (string)rows.Single(r => (string)r["file"]! == "blank.png")["verdict"]!);
        Assert.Contains(rows, r => (string)r["verdict"]! == "garment");
    }

    [Fact]
    public void Predict_FolderOutEveryImageReadable_ExitsZeroWithNoErrorLine()
    {
        string images = Path.Combine(Folder, "images"), output = Path.Combine(Folder, "predictions.csv");
        StreamingScorerTests.WriteFolder(images, 5);
        File.Delete(Path.Combine(images, "bad", "broken.png"));

        var (exit, text, error) = Cli.Run("predict", "--model", TrainedModel.Onnx, images, "--out", output);

        Assert.True(exit == 0, error);
        Assert.Equal($"{output}: 5 rows (5 scored now)", text.Trim());
        Assert.DoesNotContain("error", error);
    }

    [Fact]
    public void Predict_ResumeWithAnotherModel_OneErrorLineFileUnchanged()
    {
        string images = Path.Combine(Folder, "images"), output = Path.Combine(Folder, "predictions.jsonl");
        StreamingScorerTests.WriteFolder(images, 30);
        Assert.Equal(1, Cli.Run("predict", "--model", TrainedModel.Onnx, images, "--out", output).Exit);   // bad/broken.png
        string[] lines = File.ReadAllLines(output);
        File.WriteAllText(output, string.Join('\n', lines[..10]) + "\n" + lines[10][..20]);
        byte[] before = File.ReadAllBytes(output);

        var (exit, _, error) = Cli.Run("predict", "--model", ReorderedModel.Onnx, images, "--out", output, "--resume");

        Assert.Equal(1, exit);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains($"{output}: made by model version ", error);
        Assert.Equal(before, File.ReadAllBytes(output));
    }
}
