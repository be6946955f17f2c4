using System.Text.Json.Nodes;
using MlNetFashion.Scoring.Imaging;
using MlNetFashion.Scoring.Tests.Imaging;
using MlNetFashion.Tests.Shared;
using SkiaSharp;

namespace MlNetFashion.Scoring.Tests.Commands;

public sealed class PredictCommandTests() : TempFolderTests("scoring-predict-")
{
    [Fact]
    public void Predict_Folder_ScoresEveryImageInsideInNameOrderAsEachFileAlone()
    {
        string folder = Directory.CreateDirectory(Path.Combine(Folder, "photos")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "b.png"),
            ImagePreprocessorTests.Encode(28, 28, (x, y) => new SKColor((byte)(x * 9), (byte)(y * 9), 0)));
        File.WriteAllBytes(Path.Combine(folder, "a.JPG"),
            ImagePreprocessorTests.Encode(40, 30, (x, y) => new SKColor(200, (byte)(x * y), 50), SKEncodedImageFormat.Jpeg));
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image: skipped");

        JsonArray rows = Json("predict", "--model", TrainedModel.Onnx, "--json", folder);

        Assert.Equal([Path.Combine(folder, "a.JPG"), Path.Combine(folder, "b.png")], rows.Select(r => (string)r!["file"]!));
        foreach (JsonNode? row in rows)
        {
            JsonNode alone = Json("predict", "--model", TrainedModel.Onnx, "--json", (string)row!["file"]!).Single()!;
            Assert.Equal(alone.ToJsonString(), row.ToJsonString());
        }
    }

    [Fact]
    public void Predict_FolderWithSeveralBadImages_ScoresTheOthersAndNamesEachBadOneInNameOrder()
    {
        // The images are decoded in parallel; the lines still come in file order.
        string folder = Directory.CreateDirectory(Path.Combine(Folder, "mixed")).FullName;
        byte[] good = ImagePreprocessor.EncodePng(new GrayImage(28, 28, TrainedModel.Test.Image(0).ToArray()));
        for (int i = 0; i < 24; i++)
            File.WriteAllBytes(Path.Combine(folder, $"{i:D2}.png"), i is 5 or 17 or 22 ? good[..(good.Length / 2)] : good);

        var (exit, output, error) = Cli.Run("predict", "--model", TrainedModel.Onnx, folder);

        Assert.Equal(1, exit);
        string[] rows = output.Trim().Split('\n')[1..];
        Assert.Equal(Enumerable.Range(0, 24).Where(i => i is not (5 or 17 or 22)).Select(i => Path.Combine(folder, $"{i:D2}.png")),
            rows.Select(r => r.Split("  ")[0]));
        Assert.Equal(new[] { 5, 17, 22 }.Select(i => $"error: {Path.Combine(folder, $"{i:D2}.png")}: the image data is truncated or "
            + "corrupt (IncompleteInput)"), error.Trim().Split('\n'));
    }

    [Fact]
    public void Predict_JsonWithAMissingAndABadImage_GivesTheirErrorRowsBesideThePredictionsAndExitsOne()
    {
        string good = Path.Combine(Folder, "good.png"), missing = Path.Combine(Folder, "gone.png");
        string text = Path.Combine(Folder, "notes.png");
        File.WriteAllBytes(good, ImagePreprocessor.EncodePng(new GrayImage(28, 28, TrainedModel.Test.Image(0).ToArray())));
        File.WriteAllText(text, "not an image");

        var (exit, output, error) = Cli.Run("predict", "--model", TrainedModel.Onnx, "--json", missing, good, text);

        Assert.Equal(1, exit);
        JsonArray rows = JsonNode.Parse(output)!.AsArray();
        Assert.Equal([missing, good, text], rows.Select(r => (string)r!["file"]!));
        Assert.Equal(Json("predict", "--model", TrainedModel.Onnx, "--json", good).Single()!.ToJsonString(), rows[1]!.ToJsonString());
        string[] lines = error.Trim().Split('\n');
        Assert.Equal([$"error: {missing}: image file not found", $"error: {(string)rows[2]!["error"]!}"], lines.Select(l => l.Trim()));
        Assert.Equal(lines[0]["error: ".Length..], (string)rows[0]!["error"]!);
        Assert.StartsWith($"{text}: not an image", (string)rows[2]!["error"]!);
        Assert.Equal(["file", "error"], rows[0]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void Predict_FolderWithHeicPhotos_ScoresTheOthersAndWarnsNamingTheFormat()
    {
        string folder = Directory.CreateDirectory(Path.Combine(Folder, "phone")).FullName;
        var garment = new GrayImage(28, 28, TrainedModel.Test.Image(0).ToArray());
        File.WriteAllBytes(Path.Combine(folder, "a.png"), ImagePreprocessor.EncodePng(garment));
        File.WriteAllBytes(Path.Combine(folder, "IMG_0001.HEIC"), EncodedImageTests.Heic);

        var (exit, output, error) = Cli.Run("predict", "--model", TrainedModel.Onnx, folder);

        Assert.Equal(0, exit);
        Assert.Equal(2, output.Trim().Split('\n').Length);
        Assert.Contains(Path.Combine(folder, "a.png"), output);
        Assert.Equal($"warning: {folder}: 1 file passed over: the HEIC format cannot be decoded here (PNG, JPEG, BMP, GIF or WebP "
            + "expected; convert the files to one of them)", error.Trim());
    }

    [Fact]
    public void Predict_FolderOfOnlyHeicPhotos_OneErrorLineNamingTheFormat()
    {
        string folder = Directory.CreateDirectory(Path.Combine(Folder, "phone")).FullName;
        foreach (string name in new[] { "IMG_0001.HEIC", "IMG_0002.HEIC" })
            File.WriteAllBytes(Path.Combine(folder, name), EncodedImageTests.Heic);

        Assert.Equal($"error: {folder}: no image files (.png, .jpg, .jpeg, .bmp, .gif, .webp) in the folder; 2 files passed over: "
            + "the HEIC format cannot be decoded here (PNG, JPEG, BMP, GIF or WebP expected; convert the files to one of them)",
            Cli.Refusal("predict", "--model", TrainedModel.Onnx, folder));
    }

    [Fact]
    public async Task Predict_DashAmongTheImages_ReadsOneImageFromStdinAsItsFileWouldBeRead()
    {
        string image = Path.Combine(Folder, "garment.png");
        File.WriteAllBytes(image, ImagePreprocessor.EncodePng(new GrayImage(28, 28, TrainedModel.Test.Image(1).ToArray())));
        var start = new System.Diagnostics.ProcessStartInfo("dotnet",
            [Benchmarks.Operations.ServeProcess.AppDll, "predict", "--model", TrainedModel.Onnx, "--json", "-", image])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        await using (Stream stdin = process.StandardInput.BaseStream) await stdin.WriteAsync(await File.ReadAllBytesAsync(image));
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await error);
        JsonArray rows = JsonNode.Parse(output)!.AsArray();
        Assert.Equal(["-", image], rows.Select(r => (string)r!["file"]!));
        rows[0]!["file"] = image;
        Assert.Equal(rows[1]!.ToJsonString(), rows[0]!.ToJsonString());
    }

    [Theory]
    [InlineData("--explain", "--explain cannot be combined with - (stdin): it writes files beside each image")]
    [InlineData("-", "- (stdin) can be given once: it holds one image")]
    public void Predict_DashWithWhatItCannotTake_OneErrorLine(string other, string expected)
    {
        Assert.Equal($"error: {expected} (see 'predict --help')", Cli.Refusal("predict", "--model", TrainedModel.Onnx, "-", other));
    }

    [Fact]
    public void Predict_Explain_WritesHeatJsonAndPngBesideTheImage()
    {
        string image = Path.Combine(Folder, "garment.png");
        File.WriteAllBytes(image, Scoring.Imaging.ImagePreprocessor.EncodePng(new Scoring.Imaging.GrayImage(28, 28,
            TrainedModel.Test.Image(0).ToArray())));

        JsonNode row = Json("predict", "--model", TrainedModel.Onnx, "--json", "--explain", image).Single()!;

        JsonNode heat = JsonNode.Parse(File.ReadAllText(image + ".heat.json"))!;
        Assert.Equal(784, heat["heat"]!.AsArray().Count);
        Assert.Equal((string?)row["label"], (string?)heat["label"]);
        using var png = SKBitmap.Decode(image + ".heat.png");
        Assert.Equal(28 * 8, png.Width);
        Assert.Contains((string?)row["verdict"], new[] { "garment", "not a garment" });
    }

    [Fact]
    public void Predict_ExplainWithIdx_Refused()
    {
        var (exit, _, error) = Cli.Run("predict", "--model", TrainedModel.Onnx, "--explain", "--idx", "images.idx");

        Assert.Equal(1, exit);
        Assert.Contains("--explain cannot be combined with --idx", error);
    }

    [Fact]
    public void Predict_FolderWithoutImages_OneLineNamingTheFolder()
    {
        string folder = Directory.CreateDirectory(Path.Combine(Folder, "empty")).FullName;
        File.WriteAllText(Path.Combine(folder, "readme.txt"), "no images here");
        var (exit, _, error) = Cli.Run("predict", "--model", TrainedModel.Onnx, folder);
        Assert.Equal(1, exit);
        Assert.Equal($"error: {folder}: no image files (.png, .jpg, .jpeg, .bmp, .gif, .webp) in the folder", error.Trim());
    }

    [Fact]
    public void Predict_FolderWithImagesOnlyInSubfolders_SaysOutReadsThem()
    {
        string folder = Directory.CreateDirectory(Path.Combine(Folder, "photos")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "boots"));
        File.WriteAllBytes(Path.Combine(folder, "boots", "1.png"),
            ImagePreprocessor.EncodePng(new GrayImage(28, 28, TrainedModel.Test.Image(0).ToArray())));

        var (exit, _, error) = Cli.Run("predict", "--model", TrainedModel.Onnx, folder);

        Assert.Equal(1, exit);
        Assert.Equal($"error: {folder}: no image files (.png, .jpg, .jpeg, .bmp, .gif, .webp) in the folder; its subfolders hold some: "
            + "predict --out FILE reads them", error.Trim());
    }

    [Theory]
    [InlineData("--jsn")]
    [InlineData("-j")]
    public void Predict_MisspeltOptionAmongImages_NamesIt(string option)
    {
        string image = Path.Combine(Folder, "x.png");
        File.WriteAllBytes(image, ImagePreprocessorTests.Encode(28, 28, (x, y) => new SKColor((byte)x, (byte)y, 0)));

        Assert.Equal($"error: unrecognized option '{option}' (see 'predict --help')",
            Cli.Refusal("predict", "--model", TrainedModel.Onnx, option, image));
    }

    [Fact]
    public void Predict_ExistingFileNamedLikeAnOption_IsScored()
    {
        File.WriteAllBytes(Path.Combine(Folder, "-odd.png"),
            ImagePreprocessorTests.Encode(28, 28, (x, y) => new SKColor((byte)x, (byte)y, 0)));
        string previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = Folder;
        try
        {
            Assert.Equal("-odd.png", (string)Json("predict", "--model", TrainedModel.Onnx, "--json", "-odd.png").Single()!["file"]!);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [Fact]
    public void Predict_IdxWithImageArguments_NamesBoth()
    {
        string images = WriteIdx(10).Images;

        Assert.Equal("error: --idx cannot be combined with image arguments (received a.png and 1 more): score images or an IDX file, not " +
            "both (see 'predict --help')", Cli.Refusal("predict", "--model", TrainedModel.Onnx, "--idx", images, "a.png", "b.png"));
    }

    [Fact]
    public void Predict_LabelsWithoutIdx_NamesBoth()
    {
        string image = Path.Combine(Folder, "x.png");
        File.WriteAllBytes(image, ImagePreprocessorTests.Encode(28, 28, (x, y) => new SKColor((byte)x, (byte)y, 0)));

        Assert.Equal("error: --labels requires --idx: they are the labels of the IDX images file it scores (see 'predict --help')",
            Cli.Refusal("predict", "--model", TrainedModel.Onnx, "--labels", WriteIdx(10).Labels, image));
    }

    [Fact]
    public void PredictIdx_Json_GivesEveryImagesPredictionAsTheClassifierScoresItAndTheAccuracyOfThoseRows()
    {
        var test = TrainedModel.Test.Take(40);
        (string images, string labels) = WriteIdx(40);

        var (exit, output, error) = Cli.Run("predict", "--model", TrainedModel.Onnx, "--idx", images, "--labels", labels, "--json");

        Assert.True(exit == 0, error);
        JsonObject result = JsonNode.Parse(output)!.AsObject();
        JsonArray rows = result["predictions"]!.AsArray();
        Assert.Equal(40, (int)result["count"]!);
        Assert.Equal(Enumerable.Range(0, 40), rows.Select(r => (int)r!["index"]!));
        using var classifier = MlNetFashion.Scoring.Classification.FashionClassifier.Load(TrainedModel.Onnx);
        for (int i = 0; i < 40; i++)
        {
            var alone = classifier.PredictPixels(test.Image(i));
            Assert.Equal(alone.Label, (string)rows[i]!["label"]!);
            Assert.Equal(Pipeline.FashionMnistClasses.Names[test.Labels[i]], (string)rows[i]!["actual"]!);
            float[] probabilities = [.. rows[i]!["probabilities"]!.AsArray().Select(p => (float)p!)];
            for (int k = 0; k < 10; k++) Assert.Equal(alone.Probabilities[k], probabilities[k], 1e-5f);
            Assert.Equal(alone.InDistributionScore, (double)rows[i]!["inDistributionScore"]!, 1e-3);
            Assert.Equal(alone.Verdict, (string)rows[i]!["verdict"]!);
        }
        double share = rows.Count(r => (string)r!["label"]! == (string)r!["actual"]!) / 40.0;
        Assert.Equal(share, (double)result["accuracy"]!, 1e-12);
    }

    /// <summary>The first <paramref name="count"/> test images and their labels as IDX files.</summary>
    private (string Images, string Labels) WriteIdx(int count)
    {
        var test = TrainedModel.Test.Take(count);
        string images = Path.Combine(Folder, "images.idx"), labels = Path.Combine(Folder, "labels.idx");
        Pipeline.Data.IdxWriter.WriteImages(images, test.Pixels, test.Count, 28, 28);
        Pipeline.Data.IdxWriter.WriteLabels(labels, test.Labels);
        return (images, labels);
    }

    private static JsonArray Json(params string[] args)
    {
        var (exit, output, error) = Cli.Run(args);
        Assert.True(exit == 0, error);
        return JsonNode.Parse(output)!.AsArray();
    }
}
