using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Checkpoints;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Schedules;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Tests.Training;

public class EngineTrainerTests
{
    /// <summary>Synthetic, learnable data: the class is the brightest of ten horizontal bands, plus noise.</summary>
    internal static LabeledImages Bands(int count, ulong seed)
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

    private static Sequential Small() => new ModelBuilder(Presets.Input)
        .Conv2D(4, 3, Engine.Layers.Padding.Same).BatchNorm().ReLU().MaxPool2D(2).Dropout(0.2f).Flatten().Dense(10).Build();

    private static EngineTrainerOptions Options(int epochs = 1) => new()
    {
        Epochs = epochs, BatchSize = 32, Optimizer = OptimizerKind.AdamW, LearningRate = 0.01f, Schedule = ScheduleKind.OneCycle, Seed = 42,
        Threads = 2,
        Augmentation = new AugmentationOptions(2, true, 0.3f),
    };

    private static float[] Weights(Sequential model)
        => [.. model.Parameters.SelectMany(p => p.Value.Span.ToArray()).Concat(model.Buffers.SelectMany(b => b.Span.ToArray()))];

    [Fact]
    public void Fit_SameSeedSameThreads_BitwiseIdenticalWeights()
    {
        LabeledImages data = Bands(300, 1);
        var first = new EngineTrainer(Small(), Options());
        first.Fit(data);
        var second = new EngineTrainer(Small(), Options());
        second.Fit(data);
        Assert.Equal(Weights(first.Model), Weights(second.Model));
        var other = new EngineTrainer(Small(), Options() with { Seed = 43 });
        other.Fit(data);
        Assert.NotEqual(Weights(first.Model), Weights(other.Model));
    }

    [Fact]
    public void Fit_LearnableData_ReachesHighAccuracy()
    {
        var trainer = new EngineTrainer(Small(), Options(3));
        var history = trainer.Fit(Bands(1000, 2), Bands(300, 3)).History;
        Assert.True(history[^1].ValidationAccuracy > 0.9, $"validation accuracy {history[^1].ValidationAccuracy:P1}");
    }

    [Fact]
    public void Fit_WithoutValidation_BestEpochIsTheLastEpochWhoseWeightsAreKept()
    {
        // A rate 50× too high in the last epoch pulls its training accuracy under the epoch before it.
        var trainer = new EngineTrainer(Small(), Options(3)).AddCallback(new ScaleRateAfter(2, 50f));
        TrainingResult result = trainer.Fit(Bands(600, 2));
        var history = result.History;
        Assert.True(history[2].Accuracy < history[1].Accuracy, $"accuracies {history[1].Accuracy:P1} then {history[2].Accuracy:P1}");
        Assert.Equal(3, result.BestEpoch);
    }

    [Theory]
    [InlineData(EarlyStoppingMetric.Loss)]
    [InlineData(EarlyStoppingMetric.Accuracy)]
    public void Fit_RestoreBest_KeepsTheEpochTheMonitorRanksBest(EarlyStoppingMetric monitor)
    {
        // Shuffled validation labels: accuracy hovers near chance while the loss climbs, so the two monitors pick different epochs.
        LabeledImages data = Bands(300, 7), noise = Bands(200, 8);
        var shuffled = new LabeledImages(noise.Pixels, [.. noise.Labels.Select((l, i) => (l + i) % 10)], noise.Shape);
        var trainer = new EngineTrainer(Small(), Options(5) with { EarlyStopping = EarlyStopping.Off with { Metric = monitor } });
        TrainingResult result = trainer.Fit(data, shuffled);
        var history = result.History;
        int byLoss = history.MinBy(h => h.ValidationLoss)!.Epoch, byAccuracy = history.MaxBy(h => h.ValidationAccuracy)!.Epoch;
        Assert.NotEqual(byLoss, byAccuracy);
        Assert.Equal(monitor == EarlyStoppingMetric.Loss ? byLoss : byAccuracy, result.BestEpoch);
        var (loss, accuracy) = trainer.Evaluate(shuffled);
        EpochMetrics kept = history[result.BestEpoch - 1];
        Assert.Equal(kept.ValidationLoss!.Value, loss, 1e-4f);
        Assert.Equal(kept.ValidationAccuracy!.Value, accuracy, 1e-4f);
    }

    private sealed class ScaleRateAfter(int epoch, float scale) : ITrainingCallback
    {
        public void OnEpochEnd(EpochMetrics metrics, TrainingControl control)
        {
            if (metrics.Epoch == epoch) control.LearningRateScale = scale;
        }
    }

    [Fact]
    public void Fit_Result_IsTheStateItLeaves()
    {
        var trainer = new EngineTrainer(Small(), Options(2)).AddCallback(new StopAfterEpoch(1));
        LabeledImages data = Bands(200, 4), validation = Bands(100, 3);
        TrainingResult first = trainer.Fit(data, validation);
        ResumeState afterOne = trainer.State;

        Assert.Equal(1, first.CompletedEpochs);
        Assert.Equal((first.CompletedEpochs, first.BestEpoch, first.BestScore),
            (afterOne.CompletedEpochs, afterOne.BestEpoch, afterOne.BestScore));
        Assert.Equal(first.History, afterOne.History);
        Assert.Null(afterOne.Interrupted);
        Assert.Single(afterOne.History);
    }

    [Fact]
    public void Fit_ResumedAtItsLastEpoch_TrainsNothingAndReturnsTheSavedHistory()
    {
        LabeledImages data = Bands(200, 4);
        var done = new EngineTrainer(Small(), Options(2));
        TrainingResult whole = done.Fit(data);
        float[] weights = Weights(done.Model);

        var again = new EngineTrainer(done.Model, Options(2));
        again.Resume(done.State);
        TrainingResult rest = again.Fit(data);

        Assert.Equal(whole.History, rest.History);
        Assert.Equal(whole.BestEpoch, rest.BestEpoch);
        Assert.Equal(weights, Weights(again.Model));
    }

    [Fact]
    public void Resume_FromCheckpointAfterEpochOne_EqualsUninterruptedRun()
    {
        LabeledImages data = Bands(200, 4);
        var uninterrupted = new EngineTrainer(Small(), Options(2));
        uninterrupted.Fit(data);

        string path = Path.Combine(Path.GetTempPath(), $"ckpt-{Guid.NewGuid():N}.ckpt");
        try
        {
            // The same 2-epoch run, stopped after epoch 1 (as a crash would leave it), then resumed.
            var firstHalf = new EngineTrainer(Small(), Options(2));
            firstHalf.AddCallback(new StopAfterEpoch(1));
            firstHalf.Fit(data);
            CheckpointFile.Save(path, firstHalf, "{}");
            var resumed = new EngineTrainer(Small(), Options(2));
            CheckpointFile.Restore(path, resumed);
            Assert.Equal(1, resumed.State.CompletedEpochs);
            Assert.Equal(2, resumed.Fit(data).CompletedEpochs);
            Assert.Equal(Weights(uninterrupted.Model), Weights(resumed.Model));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Early stopping (patience 2) and the plateau (patience 1) on validation data with shuffled labels, so progress
    /// stalls. Resuming after the epoch before the stop must stop at the same epoch with the same weights: the
    /// counters come back from the history (with fresh counters the resumed run would train on).
    /// </summary>
    [Fact]
    public void Resume_AfterAnEpochWithFrozenLayers_EqualsUninterruptedRun()
    {
        LabeledImages data = Bands(200, 4);
        var uninterrupted = FreezingConvolutionInEpochOne();
        uninterrupted.Fit(data);

        string path = Path.Combine(Path.GetTempPath(), $"ckpt-{Guid.NewGuid():N}.ckpt");
        try
        {
            var firstHalf = FreezingConvolutionInEpochOne();
            firstHalf.AddCallback(new StopAfterEpoch(1));
            firstHalf.Fit(data);
            CheckpointFile.Save(path, firstHalf, "{}");
            var resumed = FreezingConvolutionInEpochOne();
            CheckpointFile.Restore(path, resumed);
            // The convolution's own step count (not the run's) comes back: its Adam bias correction continues from it.
            Assert.Equal(firstHalf.Optimizer.ParameterSteps, resumed.Optimizer.ParameterSteps);
            Assert.Equal(0L, resumed.Optimizer.ParameterSteps[0]);
            resumed.Fit(data);
            Assert.Equal(uninterrupted.Optimizer.ParameterSteps, resumed.Optimizer.ParameterSteps);
            Assert.Equal(Weights(uninterrupted.Model), Weights(resumed.Model));
        }
        finally
        {
            File.Delete(path);
        }
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

        string path = Path.Combine(Path.GetTempPath(), $"ckpt-{Guid.NewGuid():N}.ckpt");
        try
        {
            var firstPart = new EngineTrainer(Small(), options);
            firstPart.AddCallback(new StopAfterEpoch(stoppedAt - 1));
            firstPart.Fit(data, shuffled);
            CheckpointFile.Save(path, firstPart, "{}");
            var resumed = new EngineTrainer(Small(), options);
            CheckpointFile.Restore(path, resumed);
            TrainingResult rest = resumed.Fit(data, shuffled);

            Assert.Equal(stoppedAt, rest.CompletedEpochs);
            Assert.Equal(whole.StopReason, rest.StopReason);
            Assert.Equal(whole.History.Select(h => h.Loss), rest.History.Select(h => h.Loss));
            Assert.Equal(Weights(uninterrupted.Model), Weights(resumed.Model));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(14)]   // 10 batches per epoch: stops in epoch 2
    [InlineData(4)]    // in epoch 1, before any best score (−∞, which JSON cannot hold as a number: the save threw)
    public void Resume_FromCheckpointWrittenMidEpochOnCancel_EqualsUninterruptedRun(int stopAfter)
    {
        LabeledImages data = Bands(320, 9);
        var uninterrupted = new EngineTrainer(Small(), Options(2));
        TrainingResult whole = uninterrupted.Fit(data);

        string path = Path.Combine(Path.GetTempPath(), $"ckpt-{Guid.NewGuid():N}.ckpt");
        try
        {
            var interrupted = new EngineTrainer(Small(), Options(2));
            using var cancel = new CancellationTokenSource();
            interrupted.AddCallback(new BatchCounter(cancel, stopAfter));
            Assert.ThrowsAny<OperationCanceledException>(() => interrupted.Fit(data, cancellation: cancel.Token));
            PartialEpoch stopped = interrupted.State.Interrupted!;
            Assert.Equal(new { Epoch = stopAfter / 10 + 1, Batch = stopAfter % 10 }, new { stopped.Epoch, stopped.Batch });
            CheckpointFile.Save(path, interrupted, "{}");

            var resumed = new EngineTrainer(Small(), Options(2));
            CheckpointFile.Restore(path, resumed);
            TrainingResult rest = resumed.Fit(data);
            Assert.Equal(Weights(uninterrupted.Model), Weights(resumed.Model));
            Assert.Equal(whole.History[^1].Loss, rest.History[^1].Loss);
            Assert.Null(resumed.State.Interrupted);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Checkpoint_Truncated_ClearErrorNamingTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cut-{Guid.NewGuid():N}.ckpt");
        try
        {
            var trainer = new EngineTrainer(Small(), Options());
            trainer.Fit(Bands(64, 5));
            CheckpointFile.Save(path, trainer, "{}");
            byte[] bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
            var ex = Assert.Throws<InvalidDataException>(() => CheckpointFile.Read(path));
            Assert.Contains(Path.GetFileName(path), ex.Message);
            Assert.Contains("truncated", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("weight decay", -1f, 0, 0)]
    [InlineData("weight decay", float.NaN, 0, 0)]
    [InlineData("early stopping patience", 0f, -1, 0)]
    [InlineData("plateau patience", 0f, 0, -1)]
    public void Options_NegativeDecayOrPatience_RefusedNamingTheSetting(string setting, float decay, int patience, int plateau)
    {
        // Accepted before: a negative weight decay grows the weights every step.
        var options = Options() with { WeightDecay = decay, EarlyStopping = new(Patience: patience), ReduceOnPlateauPatience = plateau };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new EngineTrainer(Small(), options));
        Assert.StartsWith($"{setting}: expected 0", ex.Message);
    }

    [Fact]
    public void Fit_Cancelled_StopsWithinOneBatch()
    {
        var trainer = new EngineTrainer(Small(), Options(5));
        using var cancel = new CancellationTokenSource();
        var counter = new BatchCounter(cancel, stopAfter: 3);
        trainer.AddCallback(counter);
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(Bands(640, 6), cancellation: cancel.Token));
        Assert.Equal(3, counter.Batches);
    }

    [Fact]
    public void Fit_HugeLearningRate_StopsWithDivergenceNamingEpochAndBatch()
    {
        LabeledImages data = Bands(256, 7);
        for (int i = 0; i < data.Pixels.Length; i++) data.Pixels[i] *= 1e20f;
        var trainer = new EngineTrainer(new ModelBuilder(Presets.Input).Flatten().Dense(10).Build(),
            Options() with { LearningRate = 1e10f, Schedule = ScheduleKind.Constant, Augmentation = AugmentationOptions.None });
        var ex = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(data));
        Assert.Contains("epoch 1, batch", ex.Message);
        Assert.Contains("lower learning rate", ex.Message);
    }

    [Fact]
    public void TrainingStep_AfterWarmUp_AllocatesNothingOnTheCallingThread()
    {
        Sequential model = Small();
        var trainer = new EngineTrainer(model, Options() with { Augmentation = AugmentationOptions.None });
        var data = Bands(64, 8);
        trainer.Fit(data); // warm-up: optimizer state, JIT
        var x = new Tensor(32, Presets.Input);
        data.Pixels.AsSpan(0, x.Length).CopyTo(x.Span);
        var loss = new Engine.Losses.SoftmaxCrossEntropy(10, 32);
        int[] labels = data.Labels[..32];
        void Step()
        {
            loss.Forward(model.Forward(x, training: true), labels);
            model.Backward(loss.Backward());
            trainer.Optimizer.Step(model.Parameters, 0.001f);
        }
        Step();
        IReadOnlyList<Parameter> parameters = model.Parameters;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            loss.Forward(model.Forward(x, training: true), labels);
            model.Backward(loss.Backward());
            trainer.Optimizer.Step(parameters, 0.001f);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1024, $"{allocated} bytes allocated in 5 training steps");
    }

    private sealed class StopAfterEpoch(int epoch) : ITrainingCallback
    {
        public void OnEpochEnd(EpochMetrics metrics, TrainingControl control) => control.StopRequested |= metrics.Epoch == epoch;
    }

    private sealed class BatchCounter(CancellationTokenSource cancel, int stopAfter) : ITrainingCallback
    {
        public int Batches { get; private set; }

        public void OnBatchEnd(BatchMetrics metrics)
        {
            if (++Batches == stopAfter) cancel.Cancel();
        }
    }

    [Theory]
    // null: the auto rule, F(2×2) for a 3×3 'same' conv on ≥ 8 channels.
    [InlineData(null, typeof(Engine.Kernels.WinogradKernel))]
    [InlineData("winograd4x4", typeof(Engine.Kernels.Winograd4x4Kernel))]   // a recipe's "convolution"
    [InlineData("im2col", typeof(Engine.Kernels.ConvolutionKernel))]
    public void Build_UnderARecipesConvolution_PicksItsKernel(string? convolution, Type expected)
    {
        // (Assumes MLNETFASHION_CONV is unset, as in CI: it would override every recipe.)
        Sequential model = new ModelBuilder(Presets.Input).Conv2D(8, 3, Engine.Layers.Padding.Same).ReLU().Conv2D(8, 3,
            Engine.Layers.Padding.Same).Flatten().Dense(10).Build();
        var options = Options() with { Convolution = convolution is null ? null : Engine.Kernels.ConvolutionAlgorithm.Parse(convolution) };
        _ = new EngineTrainer(model, options);
        var second = Assert.IsType<Engine.Layers.Convolution.Conv2D>(model.Layers[2]);
        Assert.IsType(expected, second.KernelOp);
        // The scope ends with the build: a model built afterwards gets the auto rule again.
        Sequential later = new ModelBuilder(Presets.Input).Conv2D(8, 3, Engine.Layers.Padding.Same).ReLU().Conv2D(8, 3,
            Engine.Layers.Padding.Same).Flatten().Dense(10).Build();
        later.Build(1, new EngineRandom(1));
        Assert.IsType<Engine.Kernels.WinogradKernel>(Assert.IsType<Engine.Layers.Convolution.Conv2D>(later.Layers[2]).KernelOp);
    }
}
