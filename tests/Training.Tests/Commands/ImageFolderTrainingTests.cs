using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Tests.Shared;
using SkiaSharp;

namespace MlNetFashion.Training.Tests.Commands;

/// <summary>train --images and evaluate --images through the real command line, and every bad folder refused.</summary>
public sealed class ImageFolderTrainingTests() : TempFolderTests("train-images-")
{
    private string Tree(string name, params string[] labels) => ImageTree.Create(Path.Combine(Folder, name), labels, perClass: 12);

    [Fact]
    public void Train_ThreeClassFolderWithABadFileSkipped_WritesEveryOutputWithTheFolderNames()
    {
        string images = Tree("images", "Stiefel", "Schuhe-ä", "靴");
        string corrupt = Path.Combine(images, "靴", "broken.png");
        File.WriteAllBytes(corrupt, "not a png"u8.ToArray());
        string output = Path.Combine(Folder, "out");

        var (exit, stdout, error) = Cli.Run("train", "--images", images, "--on-bad-image", "skip", "--test-fraction", "0.25",
            "--preset", "fast", "--epochs", "2", "--batch-size", "16", "--out", output);

        Assert.True(exit == 0, error);
        Assert.Contains($"skipped {corrupt}: ", error);
        Assert.Contains("skipped 1 file(s)", error);
        Assert.Contains("27 training and 9 test images from " + images, stdout);
        foreach (string file in new[] { "model.zip", "model.onnx", "metrics.json", "history.csv", "report.html", "checkpoints/last.ckpt" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        using var session = new InferenceSession(Path.Combine(output, "model.onnx"));
        Assert.Equal(["Schuhe-ä", "Stiefel", "靴"],
            JsonNode.Parse(session.ModelMetadata.CustomMetadataMap["class_names"])!.AsArray().Select(n => (string?)n));
        var perClass = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")))!["perClass"]!.AsArray();
        Assert.Equal(3, perClass.Count);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(output, "history.csv")).Length);   // header + 2 epochs
    }

    [Fact]
    public void Train_SmallFolderWithoutEpochs_TrainsTheMinimumStepsAndSaysSo()
    {
        // 18 training images, 16 after the hold-out: the batch is all of them, an epoch one step, the preset's 8 epochs 8 steps.
        string images = Tree("images", "ja", "nein"), output = Path.Combine(Folder, "out");

        var (exit, stdout, error) = Cli.Run("train", "--images", images, "--test-fraction", "0.25", "--out", output);

        Assert.True(exit == 0, error);
        Assert.Contains("18 training and 6 test images", stdout);
        Assert.DoesNotContain("training images too", stdout + error);   // every drawing is its own 28×28 image
        Assert.Contains("500 epochs instead of the preset's 8: an epoch here is 1 step, and a small data set trains for at least "
            + "500 steps (--epochs N sets the epochs)", stdout);
        Assert.Contains("epoch 500/500 ", stdout);
        Assert.Equal(501, File.ReadAllLines(Path.Combine(output, "history.csv")).Length);
    }

    [Fact]
    public void Train_TestImageCopiedFromTheTrainingFolder_WarnsBeforeTraining()
    {
        // Fashion-MNIST's images, each once: the one copy is the test's own.
        var source = Pipeline.Data.FashionMnist.Load().Test;
        string images = Path.Combine(Folder, "images"), test = Path.Combine(Folder, "test");
        for (int i = 0; i < 24; i++)
        {
            string file = Path.Combine(i < 16 ? images : test, i % 2 == 0 ? "ja" : "nein", $"{i:D3}.png");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, Scoring.Imaging.ImagePreprocessor.EncodePng(new Scoring.Imaging.GrayImage(28, 28,
                source.Image(i).ToArray())));
        }
        File.Copy(Path.Combine(images, "nein", "005.png"), Path.Combine(test, "nein", "copy.png"));

        var (exit, _, error) = Cli.Run("train", "--images", images, "--test-images", test, "--preset", "fast", "--epochs", "1",
            "--out", Path.Combine(Folder, "out"));

        Assert.True(exit == 0, error);
        Assert.Contains("warning: 1 test image(s) are training images too, as the model sees them "
            + $"({Path.Combine(test, "nein", "copy.png")} = {Path.Combine(images, "nein", "005.png")})", error);
    }

    [Fact]
    public void TrainThenEvaluate_TwoClassFoldersWithATestFolder_ReportsTheFolderNames()
    {
        string images = Tree("images", "ja", "nein");
        string test = ImageTree.Create(Path.Combine(Folder, "test"), ["ja", "nein"], perClass: 5, seed: 9);
        string output = Path.Combine(Folder, "out");
        Cli.RunOk("train", "--images", images, "--test-images", test, "--preset", "fast", "--epochs", "1",
            "--out", output);

        var (evaluated, report, evaluateError) = Cli.Run("evaluate", "--model", Path.Combine(output, "model.onnx"), "--images", test);

        Assert.True(evaluated == 0, evaluateError);
        Assert.Contains($"10 test images from {test}: accuracy", report);
        Assert.Contains("nein", report);
        Assert.DoesNotContain("T-shirt", report);

        string modelPath = Path.Combine(output, "model.onnx");
        var (onFashionMnist, _, refusal) = Cli.Run("evaluate", "--model", modelPath);
        Assert.Equal(1, onFashionMnist);
        Assert.Equal($"error: {modelPath}: the model's classes are \"ja\", \"nein\", not Fashion-MNIST's; " +
            "evaluate it on a folder of its classes with --images DIR", refusal.Trim());
    }

    [Fact]
    public void Train_InitFromARunsModelOnnxCopiedElsewhere_StartsFromItAndSaysSo()
    {
        string images = Tree("images", "ja", "nein");
        string first = Path.Combine(Folder, "first"), tuned = Path.Combine(Folder, "tuned");
        var (trained, _, trainError) = Cli.Run("train", "--images", images, "--test-fraction", "0.25", "--preset", "fast", "--epochs", "1",
            "--out", first);
        Assert.True(trained == 0, trainError);
        // Alone in another folder, without the run's checkpoints: the weights come from the ONNX file itself.
        string onnx = Path.Combine(Directory.CreateDirectory(Path.Combine(Folder, "copied")).FullName, "model.onnx");
        File.Copy(Path.Combine(first, "model.onnx"), onnx);

        // Without --epochs: fine-tuning keeps the preset's 8, though 16 training images make an epoch one step.
        Cli.RunOk("train", "--images", images, "--test-fraction", "0.25", "--preset", "fast",
            "--init-from", onnx, "--freeze-epochs", "1", "--out", tuned);

        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(tuned, "metrics.json")))!["settings"]!;
        Assert.Equal($"{onnx} (convolutions frozen for 1 epochs)", (string?)settings["initialized from"]);
        Assert.Equal(9, File.ReadAllLines(Path.Combine(tuned, "history.csv")).Length);   // header + 8 epochs
        Assert.True(File.Exists(Path.Combine(tuned, "model.onnx")));
    }

    public static TheoryData<string> BadFolders => new(
    [
        "missing-folder", "a-file", "no-subfolders", "one-class", "one-folder-of-classes", "split-folders", "folders-differing-in-case",
        "empty-class", "corrupt-image", "non-image-file", "image-over-limits",
        "test-folder-unknown-class", "test-fraction-and-test-images", "test-fraction-out-of-range", "freeze-without-init-from",
        "init-from-missing", "init-from-foreign-onnx", "test-images-without-images", "limit-train-with-images", "data-dir-with-images",
        "on-bad-image-number", "on-bad-image-unknown", "on-bad-image-without-images",
    ]);

    [Theory]
    [MemberData(nameof(BadFolders))]
    public void Train_BadFolder_OneClearLineNamingItNothingWritten(string name)
    {
        string output = Path.Combine(Folder, "out");
        (string[] args, string mustName) = Arrange(name);
        var (exit, _, error) = Cli.Run(["train", .. args, "--epochs", "1", "--out", output]);

        Assert.Contains(mustName, ConsoleCapture.ErrorLine(exit, error));
        Assert.False(Directory.Exists(output), "nothing may be written");
    }

    private (string[] Args, string MustName) Arrange(string name)
    {
        string images = Path.Combine(Folder, "images");
        switch (name)
        {
            case "missing-folder": return (["--images", images], $"{images}: folder not found");
            case "a-file":
                File.WriteAllText(images, "x");
                return (["--images", images], $"{images}: expected a folder of class subfolders, found a file");
            case "no-subfolders":
                Directory.CreateDirectory(images);
                return (["--images", images], $"{images}: expected one subfolder per class");
            case "one-class":
                Tree("images", "only");
                return (["--images", images], $"{images}: expected at least 2 class folders, found 1");
            case "one-folder-of-classes":
                Tree(Path.Combine("images", "dataset"), "a", "b");
                return (["--images", images], $"{images}: expected at least 2 class folders, found 1 (\"dataset\"): it holds 2 "
                    + $"folders of its own: the classes may be those of {Path.Combine(images, "dataset")}");
            case "split-folders":
                Tree(Path.Combine("images", "train"), "a", "b");
                Tree(Path.Combine("images", "test"), "a", "b");
                return (["--images", images], $"{images}: its folders \"test\", \"train\" are the splits of a data set");
            case "folders-differing-in-case":
                Tree("images", "Shirt", "boot", "shirt");
                return (["--images", images], $"{images}: folders \"Shirt\" and \"shirt\" differ only in case or punctuation");
            case "empty-class":
                Tree("images", "a", "b");
                Directory.CreateDirectory(Path.Combine(images, "c"));
                return (["--images", images], $"{Path.Combine(images, "c")}: class \"c\" has no usable images");
            case "corrupt-image":
            {
                Tree("images", "a", "b");
                string file = Path.Combine(images, "b", "cut.png");
                File.WriteAllBytes(file, ImageTree.Draw(0, new Random(1))[..60]);
                return (["--images", images], $"{file}: ");
            }
            case "non-image-file":
            {
                Tree("images", "a", "b");
                string file = Path.Combine(images, "a", "labels.csv");
                File.WriteAllText(file, "a,b");
                return (["--images", images], $"{file}: not an image file");
            }
            case "image-over-limits":
            {
                Tree("images", "a", "b");
                // A header claiming 10,000 × 6,000 pixels: over the 50-megapixel limit, refused before any decoding.
                string file = Path.Combine(images, "a", "panorama.png");
                File.WriteAllBytes(file, Scoring.Tests.Imaging.TestImages.PngClaiming(10_000, 6_000));
                return (["--images", images], $"{file}: expected at most");
            }
            case "test-folder-unknown-class":
            {
                Tree("images", "a", "b");
                string test = Tree("test", "a", "z");
                return (["--images", images, "--test-images", test],
                    $"{Path.Combine(test, "z")}: class \"z\" is not one of the training classes");
            }
            case "test-fraction-and-test-images":
                Tree("images", "a", "b");
                return (["--images", images, "--test-images", Tree("test", "a", "b"), "--test-fraction", "0.3"], "--test-fraction");
            case "test-fraction-out-of-range":
                Tree("images", "a", "b");
                return (["--images", images, "--test-fraction", "1.5"], "--test-fraction: expected a value in (0, 1)");
            case "freeze-without-init-from":
                Tree("images", "a", "b");
                return (["--images", images, "--freeze-epochs", "2"], "--freeze-epochs: expected --init-from too");
            case "init-from-missing":
            {
                Tree("images", "a", "b");
                string missing = Path.Combine(Folder, "nowhere", "model.onnx");
                return (["--images", images, "--init-from", missing], $"{missing}: --init-from: file not found");
            }
            case "init-from-foreign-onnx":
            {
                Tree("images", "a", "b");
                string foreign = Path.Combine(Folder, "resnet18.onnx");
                // A ModelProto from another exporter: producer_name "pytorch" (field 2), an empty graph (field 7).
                File.WriteAllBytes(foreign, [0x12, 7, .. "pytorch"u8, 0x3A, 0]);
                return (["--images", images, "--init-from", foreign], "resnet18.onnx: --init-from: not a model MlNetFashion exported");
            }
            case "test-images-without-images": return (["--test-images", Tree("test", "a", "b")], "--test-images: expected --images too");
            case "limit-train-with-images":
                Tree("images", "a", "b");
                return (["--images", images, "--limit-train", "10"], "--limit-train");
            case "data-dir-with-images":
                Tree("images", "a", "b");
                return (["--images", images, "--data-dir", Folder], "--images and --data-dir");
            // System.CommandLine's enum parsing took "1" as Skip and "5" as a policy no member has.
            case "on-bad-image-number":
                Tree("images", "a", "b");
                return (["--images", images, "--on-bad-image", "1"], "error: --on-bad-image: expected fail or skip, received \"1\"");
            case "on-bad-image-unknown":
                Tree("images", "a", "b");
                return (["--images", images, "--on-bad-image", "ignore"],
                    "error: --on-bad-image: expected fail or skip, received \"ignore\"");
            case "on-bad-image-without-images": return (["--on-bad-image", "skip"], "--on-bad-image: expected --images too");
            default: throw new ArgumentOutOfRangeException(nameof(name), name, "no such case");
        }
    }
}
