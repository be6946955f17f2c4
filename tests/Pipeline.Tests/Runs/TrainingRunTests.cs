using MlNetFashion.Engine.Models;
using MlNetFashion.Pipeline.Reporting;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Pipeline.Trainer;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Pipeline.Tests.Runs;

/// <summary>Ctrl+C after the last epoch: the run stops before writing anything, and --resume finishes it without training.</summary>
public sealed class TrainingRunTests() : TempFolderTests("run-")
{
    private TrainingRunOptions Run(bool resume = false) => new()
    {
        Preset = PresetKind.Article2x2Conv, Epochs = 1, LimitTrain = 500, LimitTest = 100, ValidationFraction = 0, Seed = 2,
        OutputDirectory = Folder, Resume = resume,
    };

    private static readonly string[] Artefacts = ["model.zip", "model.onnx", "metrics.json", "history.csv", "report.html"];

    [Fact]
    public void Execute_CancelledWhileEvaluating_WritesNothingButTheCheckpointAndResumeExportsItWithoutTraining()
    {
        using var cancel = new CancellationTokenSource();
        var progress = new Recorder(stage => { if (stage.StartsWith("evaluating", StringComparison.Ordinal)) cancel.Cancel(); });

        var e = Assert.Throws<InterruptedAfterTrainingException>(() => TrainingRun.Execute(Run(), progress, cancel.Token));

        Assert.Equal(1, e.Epochs);
        Assert.Equal("evaluating on the test set", e.Stage);
        Assert.All(Artefacts, file => Assert.False(File.Exists(Path.Combine(Folder, file)), file));
        Assert.True(File.Exists(Path.Combine(Folder, "checkpoints", "last.ckpt")));

        var resumed = new Recorder(_ => { });
        TrainingRunSummary summary = TrainingRun.Execute(Run(resume: true), resumed, CancellationToken.None);

        Assert.Contains(resumed.Stages, s => s.StartsWith("resumed after epoch 1: no epochs left to train", StringComparison.Ordinal));
        Assert.Empty(resumed.Epochs);
        Assert.Single(summary.History);
        Assert.All(Artefacts, file => Assert.True(File.Exists(Path.Combine(Folder, file)), file));
    }

    [Fact]
    public void Execute_ModelFileCannotBeWritten_SaysSoAndResumeExportsTheCheckpointWithoutTraining()
    {
        // A folder where model.onnx goes: the rename onto it fails as a full disk's write would, whoever runs the test.
        string blocked = Directory.CreateDirectory(Path.Combine(Folder, "model.onnx")).FullName;

        var e = Assert.Throws<ArtifactsNotWrittenException>(
            () => TrainingRun.Execute(Run(), new Recorder(_ => { }), CancellationToken.None));

        Assert.Equal(1, e.Epochs);
        Assert.StartsWith(blocked + ": ", e.Message);
        Assert.True(File.Exists(Path.Combine(Folder, "checkpoints", "last.ckpt")));
        Assert.Empty(Directory.GetFiles(Folder, ".*.tmp"));

        Directory.Delete(blocked);
        var resumed = new Recorder(_ => { });
        TrainingRunSummary summary = TrainingRun.Execute(Run(resume: true), resumed, CancellationToken.None);

        Assert.Empty(resumed.Epochs);
        Assert.Single(summary.History);
        Assert.All(Artefacts, file => Assert.True(File.Exists(Path.Combine(Folder, file)), file));
    }

    private sealed class Recorder(Action<string> onStage) : ITrainingProgress
    {
        public List<string> Stages { get; } = [];
        public List<int> Epochs { get; } = [];

        public void Stage(string message)
        {
            Stages.Add(message);
            onStage(message);
        }

        public void Metrics(FashionCnnMetrics metrics, int totalEpochs)
        {
            if (metrics.EpochEnd) Epochs.Add(metrics.Epoch);
        }
    }
}
