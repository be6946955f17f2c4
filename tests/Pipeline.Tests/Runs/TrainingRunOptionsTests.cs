using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Pipeline.Trainer;

namespace MlNetFashion.Pipeline.Tests.Runs;

public class TrainingRunOptionsTests
{
    [Fact]
    public void TrainerOptions_ValuesSet_CarriedToTheEstimator()
    {
        using var cancellation = new CancellationTokenSource();
        var options = new TrainingRunOptions
        {
            Preset = PresetKind.McnnPaper, Epochs = 3, BatchSize = 16, LearningRate = 0.01f, Optimizer = OptimizerKind.Sgd, Seed = 7,
            Threads = 1, ValidationFraction = 0.2f, Resume = true,
        };

        FashionCnnTrainer.Options trainer = options.TrainerOptions(cancellation.Token);

        Assert.Equal(PresetKind.McnnPaper, trainer.Preset);
        Assert.Equal(3, trainer.Epoch);
        Assert.Equal(16, trainer.BatchSize);
        Assert.Equal(0.01f, trainer.LearningRate);
        Assert.Equal(OptimizerKind.Sgd, trainer.Optimizer);
        Assert.Equal(7UL, trainer.Seed);
        Assert.Equal(1, trainer.Threads);
        Assert.Equal(cancellation.Token, trainer.CancellationToken);
        // The hold-out, checkpoints and resume are the run's to decide (train and cv decide them differently).
        Assert.Null(trainer.ValidationSetFraction);
        Assert.False(trainer.Resume);
    }

    [Fact]
    public void TrainerOptions_NothingSet_LeavesEveryValueToTheRecipe()
    {
        FashionCnnTrainer.Options trainer = new TrainingRunOptions { ModelSpec = "net.json" }.TrainerOptions(CancellationToken.None);

        Assert.Equal(PresetKind.Fast, trainer.Preset);
        Assert.Equal("net.json", trainer.ModelSpecPath);
        Assert.Null(trainer.Epoch);
        Assert.Null(trainer.BatchSize);
        Assert.Null(trainer.LearningRate);
        Assert.Null(trainer.Optimizer);
        Assert.Null(trainer.Threads);
        Assert.Equal(1UL, trainer.Seed);
    }
}
