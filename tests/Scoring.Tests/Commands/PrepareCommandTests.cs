using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlNetFashion.Scoring.Imaging;
using MlNetFashion.Scoring.Tests.Imaging;
using MlNetFashion.Tests.Shared;
using SkiaSharp;

namespace MlNetFashion.Scoring.Tests.Commands;

public sealed class PrepareCommandTests() : TempFolderTests("scoring-prepare-")
{
    [Fact]
    public void Prepare_Photos_PngsThatAPlainOnnxRuntimeSessionScoresAsPredictScoresThePhotos()
    {
        // What a user of model.onnx in another runtime does: prepare's PNG, pixels / 255, the model's "probabilities".
        string photos = Directory.CreateDirectory(Path.Combine(Folder, "photos")).FullName;
        File.WriteAllBytes(Path.Combine(photos, "shirt.jpg"), ImagePreprocessorTests.Encode(300, 400,
            (x, y) => x is > 60 and < 240 && y is > 50 and < 350 ? new SKColor(40, 40, 140) : new SKColor(235, 235, 230),
            SKEncodedImageFormat.Jpeg));
        File.WriteAllBytes(Path.Combine(photos, "boot.png"), ImagePreprocessor.EncodePng(new GrayImage(28, 28,
            TrainedModel.Test.Image(0).ToArray())));
        string output = Path.Combine(Folder, "photos28");

        var (exit, _, error) = Cli.Run("prepare", "--out", output, photos);

        Assert.True(exit == 0, error);
        Assert.Equal(["boot.png", "shirt.png"], Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var session = new InferenceSession(TrainedModel.Onnx);
        foreach (string name in new[] { "boot", "shirt" })
        {
            using var png = SKBitmap.Decode(Path.Combine(output, name + ".png"));
            Assert.Equal((28, 28), (png.Width, png.Height));
            var input = new DenseTensor<float>([1, 1, 28, 28]);
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++) input[0, 0, y, x] = png.GetPixel(x, y).Red / 255f;
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
            float[] probabilities = [.. results.First(r => r.Name == "probabilities").AsEnumerable<float>()];

            string photo = Directory.GetFiles(photos, name + ".*").Single();
            var (predictExit, json, predictError) = Cli.Run("predict", "--model", TrainedModel.Onnx, "--json", photo);
            Assert.True(predictExit == 0, predictError);
            float[] expected = [.. JsonNode.Parse(json)![0]!["probabilities"]!.AsArray().Select(p => (float)p!)];
            Assert.Equal(expected.Length, probabilities.Length);
            for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k], probabilities[k], 1e-5f);
        }
    }

    [Fact]
    public void Prepare_BadImageAmongGoodOnes_WritesTheOthersAndNamesIt()
    {
        string good = Path.Combine(Folder, "good.png"), cut = Path.Combine(Folder, "cut.png");
        byte[] png = ImagePreprocessor.EncodePng(new GrayImage(28, 28, TrainedModel.Test.Image(1).ToArray()));
        File.WriteAllBytes(good, png);
        File.WriteAllBytes(cut, png[..(png.Length / 2)]);
        string output = Path.Combine(Folder, "out");

        var (exit, stdout, error) = Cli.Run("prepare", "--out", output, cut, good);

        Assert.Equal(1, exit);
        Assert.Equal($"{good} → {Path.Combine(output, "good.png")}", stdout.Trim());
        Assert.Equal($"error: {cut}: the image data is truncated or corrupt (IncompleteInput)", error.Trim());
        Assert.Equal(["good.png"], Directory.GetFiles(output).Select(Path.GetFileName));
    }

    [Fact]
    public void Prepare_NoUsableImage_LeavesNoFolderBehind()
    {
        string output = Path.Combine(Folder, "out"), missing = Path.Combine(Folder, "gone.png");

        var (exit, _, error) = Cli.Run("prepare", "--out", output, missing);

        Assert.Equal($"error: {missing}: image file not found", ConsoleCapture.ErrorLine(exit, error));
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Prepare_TwoImagesOfOneName_RefusedBeforeWritingAny()
    {
        byte[] png = ImagePreprocessor.EncodePng(new GrayImage(28, 28, TrainedModel.Test.Image(1).ToArray()));
        string a = Path.Combine(Folder, "photo.png"), b = Path.Combine(Folder, "photo.jpg");
        File.WriteAllBytes(a, png);
        File.WriteAllBytes(b, png);
        string output = Path.Combine(Folder, "out");

        var (exit, _, error) = Cli.Run("prepare", "--out", output, a, b);

        Assert.Equal($"error: {b}: {a} has its name, and both would be {Path.Combine(output, "photo.png")}: prepare them into two "
            + "folders", ConsoleCapture.ErrorLine(exit, error));
        Assert.False(Directory.Exists(output));
    }
}
