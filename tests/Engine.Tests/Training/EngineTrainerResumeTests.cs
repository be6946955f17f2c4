using MlNetFashion.Engine.Checkpoints;
using MlNetFashion.Engine.Schedules;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Training;
using MlNetFashion.Tests.Shared;
using static MlNetFashion.Engine.Tests.Training.TrainerFixture;

namespace MlNetFashion.Engine.Tests.Training;

/// <summary>
/// A run resumed from its checkpoint (after an epoch, mid-epoch, with frozen layers or early stopping) ends as the
/// uninterrupted run ends.
/// </summary>
public class EngineTrainerResumeTests
{
    [Fact]
    public void Resume_FromCheckpointAfterEpochOne_EqualsUninterruptedRun()
    {
        LabeledImages data = Bands(200, 4);
        var uninterrupted = Fitted(Options(2), data);

        // The same 2-epoch run, stopped after epoch 1 (as a crash would leave it), then resumed.
        var firstHalf = new EngineTrainer(Small(), Options(2));
        firstHalf.AddCallback(new StopAfterEpoch(1));
        firstHalf.Fit(data);
        var resumed = new EngineTrainer(Small(), Options(2));
        RestoreCheckpoint(firstHalf, resumed);
        Assert.Equal(1, resumed.State.CompletedEpochs);
        Assert.Equal(2, resumed.Fit(data).CompletedEpochs);
        Assert.Equal(Weights(uninterrupted.Model), Weights(resumed.Model));
    }

    [Fact]
    public void Resume_AfterAnEpochWithFrozenLayers_EqualsUninterruptedRun()
    {
        LabeledImages data = Bands(200, 4);
        var uninterrupted = FreezingConvolutionInEpochOne();
        uninterrupted.Fit(data);

        var firstHalf = FreezingConvolutionInEpochOne();
        firstHalf.AddCallback(new StopAfterEpoch(1));
        firstHalf.Fit(data);
        var resumed = FreezingConvolutionInEpochOne();
        RestoreCheckpoint(firstHalf, resumed);
        // The convolution's own step count (not the run's) comes back: its Adam bias correction continues from it.
        Assert.Equal(firstHalf.Optimizer.ParameterSteps, resumed.Optimizer.ParameterSteps);
        Assert.Equal(0L, resumed.Optimizer.ParameterSteps[0]);
        resumed.Fit(data);
        Assert.Equal(uninterrupted.Optimizer.ParameterSteps, resumed.Optimizer.ParameterSteps);
        Assert.Equal(Weights(uninterrupted.Model), Weights(resumed.Model));
    }

    /// <summary>A two-epoch trainer whose first layer (the convolution) is frozen during epoch 1 only.</summary>
    private static EngineTrainer FreezingConvolutionInEpochOne()
    {
        var trainer = new EngineTrainer(Small(), Options(2));
        return trainer.AddCallback(new FreezeInEpochOne(trainer.Model.Layers[0].Parameters));
    }

    private sealed class FreezeInEpochOne(IReadOnlyList<Parameter> parameters) : ITrainingCallback
    {
        public void OnEpochStart(int epoch)
        {
            foreach (Parameter p in parameters) p.Frozen = epoch == 1;
        }
    }

    /// <summary>
    /// Early stopping (patience 2) and the plateau (patience 1) on validation data with shuffled labels, so progress
    /// stalls. Resuming after the epoch before the stop must stop at the same epoch with the same weights: the
    /// counters come back from the history (with fresh counters the resumed run would train on).
    /// </summary>
    [Fact]
    public void Resume_WithEarlyStoppingAndPlateau_StopsWhereTheUninterruptedRunStopped()
    {
        LabeledImages data = Bands(200, 5), noise = Bands(100, 6);
        var shuffled = new LabeledImages(noise.Pixels, [.. noise.Labels.Select((l, i) => (l + i) % 10)], noise.Shape);
        // Final weights, not the best epoch's: restoring those after a resume is the ML.NET trainer's job (best.ckpt).
        EngineTrainerOptions options = Options(12) with
        {
            Schedule = ScheduleKind.Constant,
            EarlyStopping = new(Patience: 2),
            ReduceOnPlateauPatience = 1,
            RestoreBestWeights = false,
        };
        var uninterrupted = new EngineTrainer(Small(), options);
        TrainingResult whole = uninterrupted.Fit(data, shuffled);
        int stoppedAt = whole.CompletedEpochs;
        Assert.InRange(stoppedAt, 3, 11);

        var firstPart = new EngineTrainer(Small(), options);
        firstPart.AddCallback(new StopAfterEpoch(stoppedAt - 1));
        firstPart.Fit(data, shuffled);
        var resumed = new EngineTrainer(Small(), options);
        RestoreCheckpoint(firstPart, resumed);
        TrainingResult rest = resumed.Fit(data, shuffled);

        Assert.Equal(stoppedAt, rest.CompletedEpochs);
        Assert.Equal(whole.StopReason, rest.StopReason);
        Assert.Equal(whole.History.Select(h => h.Loss), rest.History.Select(h => h.Loss));
        Assert.Equal(Weights(uninterrupted.Model), Weights(resumed.Model));
    }

    [Theory]
    [InlineData(14)]   // 10 batches per epoch: stops in epoch 2
    [InlineData(4)]    // in epoch 1, before any best score (−∞, which JSON cannot hold as a number)
    public void Resume_FromCheckpointWrittenMidEpochOnCancel_EqualsUninterruptedRun(int stopAfter)
    {
        LabeledImages data = Bands(320, 9);
        var uninterrupted = new EngineTrainer(Small(), Options(2));
        TrainingResult whole = uninterrupted.Fit(data);

        var interrupted = new EngineTrainer(Small(), Options(2));
        FitUntilCancelled(interrupted, data, stopAfter);
        PartialEpoch stopped = interrupted.State.Interrupted!;
        Assert.Equal(new { Epoch = stopAfter / 10 + 1, Batch = stopAfter % 10 }, new { stopped.Epoch, stopped.Batch });

        var resumed = new EngineTrainer(Small(), Options(2));
        RestoreCheckpoint(interrupted, resumed);
        TrainingResult rest = resumed.Fit(data);
        Assert.Equal(Weights(uninterrupted.Model), Weights(resumed.Model));
        Assert.Equal(whole.History[^1].Loss, rest.History[^1].Loss);
        Assert.Null(resumed.State.Interrupted);
    }

    [Fact]
    public void Checkpoint_Truncated_ClearErrorNamingTheFile()
    {
        using TempFile checkpoint = SavedCheckpoint(Fitted(Options(), Bands(64, 5)));
        string path = checkpoint.Path;
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        var ex = Assert.Throws<InvalidDataException>(() => CheckpointFile.Read(path));
        Assert.Contains(Path.GetFileName(path), ex.Message);
        Assert.Contains("truncated", ex.Message);
    }
}
