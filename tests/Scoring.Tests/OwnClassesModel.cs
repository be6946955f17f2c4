using MlNetFashion.Pipeline.Reporting;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Pipeline.Trainer;
using MlNetFashion.Scoring.Data;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Scoring.Tests;

/// <summary>
/// A model of three classes of the user's own, non-ASCII names included, trained once per test run the way
/// train --images does: a tiny generated folder (bars and rings), a stratified hold-out, the fast preset.
/// </summary>
public static class OwnClassesModel
{
    public static readonly string[] Labels = ["靴", "Schuhe-ä", "Stiefel"];

    /// <summary>The folder's class order: ordinal by name.</summary>
    public static readonly string[] Classes = ["Schuhe-ä", "Stiefel", "靴"];

    private static readonly Lazy<(string Directory, string Images, TrainingRunSummary Summary)> s_run = new(Train);

    public static string Directory => s_run.Value.Directory;
    public static string Images => s_run.Value.Images;
    public static TrainingRunSummary Summary => s_run.Value.Summary;
    public static string Onnx => Path.Combine(Directory, "model.onnx");
    public static string Zip => Path.Combine(Directory, "model.zip");

    private static (string, string, TrainingRunSummary) Train()
    {
        string root = System.IO.Directory.CreateTempSubdirectory("scoring-tests-own-classes-").FullName;
        string images = ImageTree.Create(Path.Combine(root, "images"), Labels, perClass: 24, seed: 3);
        string output = Path.Combine(root, "model");
        var data = ImageFolderSplit.Load(images, null, 0.25f, BadImagePolicy.Fail, seed: 1).Data;
        var summary = TrainingRun.Execute(new TrainingRunOptions
        {
            Preset = "fast", Epochs = 8, BatchSize = 16, OutputDirectory = output, ValidationFraction = 0,
        }, data, new Silent(), CancellationToken.None);
        return (output, images, summary);
    }

    private sealed class Silent : ITrainingProgress
    {
        public void Stage(string message) { }
        public void Metrics(FashionCnnMetrics metrics, int totalEpochs) { }
    }
}
