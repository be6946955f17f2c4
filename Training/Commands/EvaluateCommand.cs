using System.CommandLine;
using Microsoft.ML;
using MlNetFashion.CommandLine;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Evaluation;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Training.Terminal;

namespace MlNetFashion.Training.Commands;

/// <summary>evaluate --model model.zip|model.onnx: accuracy, log-loss, per-class table, confusion matrix on the test set.</summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var model = ModelOption.Required("model.zip or model.onnx");
        var dataDir = CommonOptions.DataDir();
        var limit = new Option<int?>("--limit-test") { Description = "Use only the first N test images." };
        var folder = new ImageFolderOptions();
        var command = new Command("evaluate", "Evaluate a trained model on the official Fashion-MNIST test set (or --images DIR).")
        {
            model, dataDir, limit, folder.Images, folder.OnBadImage,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(folder.Images) is { } images)
                return ImageFolderTraining.Evaluate(parse.GetValue(model)!, images, folder.ReadBadImagePolicy(parse),
                    parse.GetValue(dataDir), parse.GetValue(limit));
            ImageFolderTraining.RefuseWithoutImages(null, null, parse.GetValue(folder.OnBadImage));
            int? count = parse.GetValue(limit);
            // As train's --limit-test (TrainingRunOptions.Validate): checked before any file is read.
            if (count is <= 0) throw new ArgumentException($"--limit-test: expected at least 1, received {count}");
            var ml = new MLContext(seed: 1);
            ITransformer transformer = ModelFile.LoadForPixels(ml, parse.GetValue(model)!);
            ImageFolderTraining.RequireFashionMnistClasses(transformer, parse.GetValue(model)!);
            string directory = DataLocator.Locate(parse.GetValue(dataDir));
            FashionMnistSplit test = FashionMnist.LoadSplit(directory, "t10k").Take(count);
            var metrics = ml.MulticlassClassification.Evaluate(transformer.Transform(new FashionMnistDataView(test)));
            ReportTables.Print(ClassificationReport.From(metrics), test.Count, directory);
            return 0;
        });
        return command;
    }
}
