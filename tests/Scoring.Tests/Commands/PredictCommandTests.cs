using System.Text.Json.Nodes;
using MlNetFashion.Scoring.Tests.Imaging;
using SkiaSharp;

namespace MlNetFashion.Scoring.Tests.Commands;

public sealed class PredictCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("scoring-predict-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Predict_Folder_ScoresEveryImageInsideInNameOrderAsEachFileAlone()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_root, "photos")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "b.png"), ImagePreprocessorTests.Encode(28, 28, (x, y) => new SKColor((byte)(x * 9), (byte)(y * 9), 0)));
        File.WriteAllBytes(Path.Combine(folder, "a.JPG"), ImagePreprocessorTests.Encode(40, 30, (x, y) => new SKColor(200, (byte)(x * y), 50), SKEncodedImageFormat.Jpeg));
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
    public void Predict_FolderWithoutImages_OneLineNamingTheFolder()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;
        File.WriteAllText(Path.Combine(folder, "readme.txt"), "no images here");
        var (exit, _, error) = Cli.Run("predict", "--model", TrainedModel.Onnx, folder);
        Assert.Equal(1, exit);
        Assert.Equal($"error: {folder}: no image files (.png, .jpg, .jpeg, .bmp, .gif, .webp) in the folder", error.Trim());
    }

    private static JsonArray Json(params string[] args)
    {
        var (exit, output, error) = Cli.Run(args);
        Assert.True(exit == 0, error);
        return JsonNode.Parse(output)!.AsArray();
    }
}
