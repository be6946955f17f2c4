using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Checkpoints;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Schedules;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Training;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Engine.Tests.Training;

/// <summary>The small model, options and synthetic data the trainer tests share, and their callbacks.</summary>
internal static class TrainerFixture
{
    /// <summary>Synthetic, learnable data: the class is the brightest of ten horizontal bands, plus noise.</summary>
    public static LabeledImages Bands(int count, ulong seed)
    {
        var random = new EngineRandom(seed);
        var pixels = new float[count * 784];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            int label = random.Next(10);
            labels[n] = label;
            for (int i = 0; i < 784; i++) pixels[n * 784 + i] = random.NextSingle() * 0.3f + (i / 28 / 3 == label ? 0.6f : 0f);
        }
        return new LabeledImages(pixels, labels, Presets.Input);
    }

    public static Sequential Small() => new ModelBuilder(Presets.Input)
        .Conv2D(4, 3, Engine.Layers.Padding.Same).BatchNorm().ReLU().MaxPool2D(2).Dropout(0.2f).Flatten().Dense(10).Build();

    public static EngineTrainerOptions Options(int epochs = 1) => new()
    {
        Epochs = epochs, BatchSize = 32, Optimizer = OptimizerKind.AdamW, LearningRate = 0.01f, Schedule = ScheduleKind.OneCycle, Seed = 42,
        Threads = 2,
        Augmentation = new AugmentationOptions(2, true, 0.3f),
    };

    public static float[] Weights(Sequential model)
        => [.. model.Parameters.SelectMany(p => p.Value.Span.ToArray()).Concat(model.Buffers.SelectMany(b => b.Span.ToArray()))];

    /// <summary>A trainer of <see cref="Small"/> after one Fit on <paramref name="data"/>.</summary>
    public static EngineTrainer Fitted(EngineTrainerOptions options, LabeledImages data)
    {
        var trainer = new EngineTrainer(Small(), options);
        trainer.Fit(data);
        return trainer;
    }

    /// <summary>Fits <paramref name="trainer"/> until <paramref name="batches"/> batches have run, then cancels (as Ctrl+C does).</summary>
    public static void FitUntilCancelled(EngineTrainer trainer, LabeledImages data, int batches)
    {
        using var cancel = new CancellationTokenSource();
        trainer.AddCallback(new BatchCounter(cancel, batches));
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(data, cancellation: cancel.Token));
    }

    /// <summary>
    /// Writes <paramref name="stopped"/>'s checkpoint to a temp file, as a stopped run leaves it, and restores it into
    /// <paramref name="fresh"/> (a trainer as the run began); returns the checkpoint's header.
    /// </summary>
    public static CheckpointFile.Header RestoreCheckpoint(EngineTrainer stopped, EngineTrainer fresh)
    {
        using TempFile checkpoint = SavedCheckpoint(stopped);
        return CheckpointFile.Restore(checkpoint.Path, fresh);
    }

    /// <summary><paramref name="trainer"/>'s checkpoint in a temp file, deleted when the result is disposed.</summary>
    public static TempFile SavedCheckpoint(EngineTrainer trainer)
    {
        var checkpoint = new TempFile("ckpt", ".ckpt");
        CheckpointFile.Save(checkpoint.Path, trainer, "{}");
        return checkpoint;
    }

    internal sealed class StopAfterEpoch(int epoch) : ITrainingCallback
    {
        public void OnEpochEnd(EpochMetrics metrics, TrainingControl control) => control.StopRequested |= metrics.Epoch == epoch;
    }

    internal sealed class BatchCounter(CancellationTokenSource cancel, int stopAfter) : ITrainingCallback
    {
        public int Batches { get; private set; }

        public void OnBatchEnd(BatchMetrics metrics)
        {
            if (++Batches == stopAfter) cancel.Cancel();
        }
    }
}
