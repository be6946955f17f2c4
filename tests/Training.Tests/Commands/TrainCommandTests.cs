using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Training.Tests.Commands;

public sealed class TrainCommandTests() : TempFolderTests("train-cli-")
{
    [Fact]
    public void Train_TinyRun_WritesEveryArtifactAndTheMetricsKeys()
    {
        string output = Cli.RunOk("train", "--preset", "seed000", "--epochs", "1", "--limit-train", "1500", "--limit-test", "300",
            "--validation-fraction", "0.1", "--out", Folder);
        foreach (string file in new[] { "model.zip", "model.onnx", "metrics.json", "history.csv", "report.html", "loss.png", "accuracy.png",
            "confusion-matrix.png", "test-samples.png", "checkpoints/last.ckpt" })
            Assert.True(File.Exists(Path.Combine(Folder, file)), $"{file} missing");
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "metrics.json")))!.AsObject();
        foreach (string key in new[] { "preset", "epochs", "trainSeconds", "trainImagesPerSecond", "testAccuracy", "macroAccuracy",
            "logLoss", "perClass", "confusionMatrix", "onnxMaxAbsDiff" })
            Assert.True(metrics.ContainsKey(key), $"metrics.json lacks {key}");
        Assert.Equal("article-2x2conv", (string?)metrics["preset"]);   // the preset's name, though asked for by its former one
        Assert.Equal(1, (int)metrics["epochs"]!);
        Assert.InRange((double)metrics["testAccuracy"]!, 0.3, 1.0);
        Assert.InRange((double)metrics["onnxMaxAbsDiff"]!, 0, 1e-4);
        var perClass = metrics["perClass"]!.AsArray();
        Assert.Equal(10, perClass.Count);
        Assert.All(perClass, c => Assert.True(c!["label"] is not null && c["precision"] is not null && c["recall"] is not null
            && c["f1"] is not null && c["support"] is not null));
        long[][] matrix = metrics["confusionMatrix"]!.Deserialize<long[][]>()!;
        Assert.Equal(300, matrix.Sum(r => r.Sum()));
        Assert.Equal("epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds",
            File.ReadLines(Path.Combine(Folder, "history.csv")).First());
        // 10 % held out (seed000's recipe holds out none): the kept epoch's validation accuracy, as history.csv has it.
        string[] kept = File.ReadLines(Path.Combine(Folder, "history.csv")).Skip((int)metrics["bestEpoch"]!).First().Split(',');
        Assert.Equal(double.Parse(kept[4], System.Globalization.CultureInfo.InvariantCulture), (double)metrics["validationAccuracy"]!,
            1e-5);
        Assert.Contains("test accuracy", output);
        // No test-time views in seed000's recipe: one model, no second file.
        Assert.False(File.Exists(Path.Combine(Folder, "model-single-view.onnx")));
        Assert.False(metrics.ContainsKey("singleViewTestAccuracy"));
    }

    [Fact]
    public void Train_ModelFileCannotBeWritten_OneErrorLineNamingItAndHowToExportTheTrainedWeights()
    {
        string blocked = Directory.CreateDirectory(Path.Combine(Folder, "model.onnx")).FullName;

        var (exit, _, error) = Cli.Run("train", "--preset", "seed004", "--epochs", "1", "--limit-train", "500", "--limit-test", "100",
            "--out", Folder);

        Assert.Equal(1, exit);
        string line = Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith($"error: {blocked}: ", line);
        Assert.EndsWith($"training had finished (epoch 1) and its weights are in {Path.Combine(Folder, "checkpoints")}: once the folder "
            + $"can be written, evaluate and export them with: dotnet run --project Training -c Release -- train --resume --out {Folder} "
            + "(and the same options)", line);
    }

    [Fact]
    public void Train_CheckpointCannotBeWritten_OneErrorLineNamingItAndTheCheckpointToContinueFrom()
    {
        string blocked = Directory.CreateDirectory(Path.Combine(Folder, "checkpoints", "best.ckpt")).FullName;

        var (exit, _, error) = Cli.Run("train", "--preset", "seed004", "--epochs", "2", "--limit-train", "500", "--limit-test", "100",
            "--validation-fraction", "0.2", "--out", Folder);

        Assert.Equal(1, exit);
        string line = Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith($"error: {blocked}: ", line);
        Assert.EndsWith($"; {Path.Combine(Folder, "checkpoints", "last.ckpt")} is kept: once the folder can be written, continue from it "
            + $"with: dotnet run --project Training -c Release -- train --resume --out {Folder} (and the same options)", line);
        Assert.Equal(["best.ckpt", "last.ckpt"], Directory.GetFileSystemEntries(Path.Combine(Folder, "checkpoints"))
            .Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Train_WithTestTimeViews_AlsoWritesTheModelOnTheImageAloneWithItsAccuracy()
    {
        string spec = Path.Combine(Folder, "views.json");
        File.WriteAllText(spec, """
            {"input":[1,28,28],"layers":[{"type":"Flatten"},{"type":"Dense","units":10}],
             "training":{"epochs":1,"batchSize":50,"horizontalFlip":true,"cropPadding":1,"testTimeAugmentation":true,
                         "validationFraction":0}}
            """);
        string output = Cli.RunOk("train", "--model-spec", spec, "--limit-train", "500", "--limit-test", "300", "--out", Folder);
        string single = Path.Combine(Folder, "model-single-view.onnx");
        Assert.True(File.Exists(single), output);
        Assert.Contains("model-single-view.onnx", output);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "metrics.json")))!.AsObject();
        // Both accuracies as ONNX Runtime reproduces them from the two files (the single view's is the engine's own count).
        foreach (var (file, key) in new[] { ("model.onnx", "testAccuracy"), ("model-single-view.onnx", "singleViewTestAccuracy") })
        {
            string expected = $"accuracy {((double)metrics[key]!).ToString("P2", System.Globalization.CultureInfo.InvariantCulture)}";
            var evaluated = Cli.Run("evaluate", "--model", Path.Combine(Folder, file), "--limit-test", "300");
            Assert.True(evaluated.Exit == 0, evaluated.Error);
            Assert.Contains(expected, evaluated.Out);
        }
        Assert.True(new FileInfo(single).Length < new FileInfo(Path.Combine(Folder, "model.onnx")).Length,
            "the single-view graph has no view nodes");
        Assert.False(metrics.ContainsKey("validationAccuracy"), "nothing was held out");
    }

    [Fact]
    public void Train_BestPresetSmallRun_BothModelsCarryThePlainViewsScoreAndThreshold()
    {
        Cli.RunOk("train", "--preset", "best", "--epochs", "1", "--limit-train", "1000", "--limit-test", "200",
            "--out", Folder);
        float[] images = FashionMnist.Load().Test.Take(200).ScaledPixels();
        var scores = new List<float[]>();
        var thresholds = new List<double>();
        foreach (string file in new[] { "model.onnx", "model-single-view.onnx" })
        {
            using var session = new InferenceSession(Path.Combine(Folder, file));
            Dictionary<string, string> metadata = session.ModelMetadata.CustomMetadataMap;
            Assert.Equal("feature_distance_energy", metadata[OnnxExporter.InDistributionScoreKey]);
            thresholds.Add(double.Parse(metadata[OnnxExporter.InDistributionThresholdKey], CultureInfo.InvariantCulture));
            scores.Add(OnnxBatches.Run(session, images, 200, 50, OnnxExporter.InDistributionScoreName));
        }
        // The ten-view model scores the image alone: its score is the single-view model's, and so is its threshold.
        Assert.Equal(thresholds[0], thresholds[1]);
        double spread = scores[1].Max() - scores[1].Min();
        Assert.True(spread > 0);
        for (int n = 0; n < 200; n++) Assert.Equal(scores[1][n], scores[0][n], 1e-3 * spread);
        // Chosen on training images the feature distance was not fitted on: most new garments pass it too.
        Assert.InRange(scores[0].Count(s => s >= thresholds[0]), 100, 200);
    }

    [Fact]
    public void Train_ResumeOfARunThatHasItsEpochs_SaysSoAndEvaluatesTheCheckpoint()
    {
        string[] run = ["train", "--preset", "seed000", "--epochs", "1", "--limit-train", "500", "--limit-test", "100", "--out", Folder];
        Assert.Equal(0, Cli.Run(run).Exit);
        string before = File.ReadAllText(Path.Combine(Folder, "metrics.json")).Split("\"testAccuracy\"")[1][..12];

        string output = Cli.RunOk([.. run, "--resume"]);

        Assert.Contains("resumed after epoch 1: no epochs left to train (raise --epochs to train on)", output);
        Assert.Contains("1 epoch, all from the checkpoint (none trained in this run)", output);
        Assert.Equal(before, File.ReadAllText(Path.Combine(Folder, "metrics.json")).Split("\"testAccuracy\"")[1][..12]);
    }

    [Fact]
    public void Train_ResumeWithMoreEpochs_SaysHowManyThisRunTrained()
    {
        string[] run = ["train", "--preset", "seed000", "--limit-train", "500", "--limit-test", "100", "--out", Folder];
        Assert.Equal(0, Cli.Run([.. run, "--epochs", "1"]).Exit);

        string output = Cli.RunOk([.. run, "--epochs", "3", "--resume"]);

        Assert.Contains("3 epochs (2 in this run, after epoch 1 of the checkpoint) in ", output);
    }

    [Fact]
    public void Train_LimitTestUnderAThousand_OnnxCheckNamesTheImagesItCompared()
    {
        string output = Cli.RunOk("train", "--preset", "seed000", "--epochs", "1", "--limit-train", "300", "--limit-test", "100",
            "--out", Folder);

        Assert.Contains("(max |Δp| on 100 test images)", output);
        Assert.Equal(100, (int)JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "metrics.json")))!["onnxCheckedImages"]!);
    }

    [Fact]
    public void Train_ResumeWithoutACheckpoint_SaysSoAndTrainsFromTheFirstEpoch()
    {
        string output = Cli.RunOk("train", "--preset", "seed000", "--epochs", "1", "--limit-train", "300", "--limit-test", "100",
            "--out", Folder, "--resume");

        string last = Path.Combine(Folder, "checkpoints", "last.ckpt");
        Assert.Contains($"--resume: no checkpoint at {last}, nothing to resume; training from the first epoch", output);
        Assert.Contains("epoch 1/1 ", output);
    }

    [Fact]
    public void Train_ModelSpecWithTrainingSection_ProgressCountsItsEpochs()
    {
        string spec = Path.Combine(Folder, "tiny.json");
        File.WriteAllText(spec,
            """{"input":[1,28,28],"layers":[{"type":"Flatten"},{"type":"Dense","units":10}],"training":{"epochs":2,"batchSize":50}}""");

        string output = Cli.RunOk("train", "--model-spec", spec, "--limit-train", "500", "--limit-test", "100", "--out", Folder);

        Assert.Contains("epoch 1/2 ", output);
        Assert.Contains("epoch 2/2 ", output);
    }

    [Fact]
    public void Evaluate_SavedModelInAFreshProcess_ReproducesTheTrainingRunsAccuracy()
    {
        Assert.Equal(0, Cli.Run("train", "--preset", "seed000", "--epochs", "1", "--limit-train", "1000", "--limit-test", "500", "--out",
            Folder).Exit);
        double trained = (double)JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "metrics.json")))!["testAccuracy"]!;
        string expected = $"accuracy {trained.ToString("P2", System.Globalization.CultureInfo.InvariantCulture)}";
        // model.zip through ML.NET's Model.Load in a new process; model.onnx in-process.
        var (exit, output) = ChildProcess.RunTrainingApp("evaluate", "--model", Path.Combine(Folder, "model.zip"), "--limit-test", "500");
        Assert.True(exit == 0, output);
        Assert.Contains(expected, output);
        var inProcess = Cli.Run("evaluate", "--model", Path.Combine(Folder, "model.onnx"), "--limit-test", "500");
        Assert.True(inProcess.Exit == 0, inProcess.Error);
        Assert.Contains(expected, inProcess.Out);
    }

    [Fact]
    public void Evaluate_ConfusionMatrix_FitsEightyColumnsWithOneLinePerActualClass()
    {
        Assert.Equal(0, Cli.Run("train", "--preset", "seed000", "--epochs", "1", "--limit-train", "300", "--limit-test", "200", "--out",
            Folder).Exit);

        string output = Cli.RunOk("evaluate", "--model", Path.Combine(Folder, "model.onnx"), "--limit-test", "200");

        Assert.StartsWith($"200 test images from {Pipeline.Data.DataLocator.Locate(null)}: accuracy ", output);
        string[] lines = output.Split('\n');
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= 80, $"wider than 80 columns: {l}"));
        long total = 0;
        for (int r = 0; r < MlNetFashion.Pipeline.FashionMnistClasses.Count; r++)
        {
            string name = MlNetFashion.Pipeline.FashionMnistClasses.Names[r];
            var row = lines.Select(l => System.Text.RegularExpressions.Regex.Match(l,
                $@"^\s*{r} {System.Text.RegularExpressions.Regex.Escape(name)}((?:\s+\d+){{10}})\s*$")).Single(m => m.Success);
            total += row.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Sum(long.Parse);
        }
        Assert.Equal(200, total);
    }
}
