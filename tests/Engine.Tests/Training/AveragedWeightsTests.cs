using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Checkpoints;
using MlNetFashion.Engine.Losses;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Training;
using MlNetFashion.Tests.Shared;
using static MlNetFashion.Engine.Tests.Training.TrainerFixture;

namespace MlNetFashion.Engine.Tests.Training;

/// <summary>
/// Weight averaging in the fit loop: the average against a scalar reference, what validation and the end of a Fit hold,
/// determinism, checkpoints and allocations.
/// </summary>
public class AveragedWeightsTests
{
    private static EngineTrainerOptions Averaging(int epochs, float decay = 0.9f) =>
        Options(epochs) with { WeightAveraging = new WeightAveraging(WeightAveragingKind.Exponential, decay) };

    /// <summary>Every parameter and buffer (weights, then batch-norm statistics) after each optimizer step.</summary>
    private sealed class StepWeights(Sequential model) : ITrainingCallback
    {
        public List<float[]> AfterStep { get; } = [];

        public void OnBatchEnd(BatchMetrics metrics) => AfterStep.Add(Weights(model));
    }

    [Fact]
    public void Fit_Exponential_ModelEndsWithScalarReferenceAverage()
    {
        // 96 images in batches of 32 over 2 epochs: 6 steps; d = 0.9 caps d_t = (1 + t) / (10 + t) from step 71 on, so
        // here the warm-up formula decides every step.
        Sequential model = Small();
        var trainer = new EngineTrainer(model, Averaging(2));
        float[] start = Weights(model);
        var steps = new StepWeights(model);
        trainer.AddCallback(steps);
        trainer.Fit(Bands(96, 3));

        Assert.Equal(6, steps.AfterStep.Count);
        float[] average = [.. start];
        for (int t = 1; t <= steps.AfterStep.Count; t++)
        {
            float decay = Math.Min(0.9f, (float)((1.0 + t) / (10.0 + t)));
            float[] w = steps.AfterStep[t - 1];
            for (int i = 0; i < average.Length; i++) average[i] = average[i] * decay + w[i] * (1 - decay);
        }
        Assert.Equal(average, Weights(model));
        Assert.NotEqual(steps.AfterStep[^1], Weights(model));
    }

    [Fact]
    public void DecayAt_LateStep_IsTheDecayItself()
    {
        var averaging = new WeightAveraging(WeightAveragingKind.Exponential, 0.999f);
        Assert.Equal(2f / 11f, averaging.DecayAt(1));
        Assert.Equal(0.999f, averaging.DecayAt(100_000));
    }

    [Fact]
    public void Fit_Exponential_ValidationScoresTheAverage()
    {
        LabeledImages train = Bands(300, 4), validation = Bands(100, 5);
        var trainer = new EngineTrainer(Small(), Averaging(1));
        EpochMetrics epoch = trainer.Fit(train, validation).History[0];
        // The model now holds the average: the epoch's validation figures are its figures.
        (float loss, float accuracy) = trainer.Evaluate(validation);
        Assert.Equal((epoch.ValidationLoss, epoch.ValidationAccuracy), ((float?)loss, (float?)accuracy));
        trainer.Average!.SwapOut();
        Assert.NotEqual(epoch.ValidationLoss, trainer.Evaluate(validation).Loss);
    }

    [Fact]
    public void Fit_ExponentialSameSeedSameThreads_BitwiseIdenticalWeights()
    {
        LabeledImages data = Bands(300, 6);
        var first = Fitted(Averaging(2, 0.99f), data);
        var second = Fitted(Averaging(2, 0.99f), data);
        Assert.Equal(Weights(first.Model), Weights(second.Model));
        var plain = Fitted(Options(2), data);
        Assert.NotEqual(Weights(plain.Model), Weights(first.Model));
    }

    [Fact]
    public void Resume_MidEpochCheckpointWithAverage_EqualsUninterruptedRun()
    {
        LabeledImages data = Bands(320, 9);
        var uninterrupted = Fitted(Averaging(2), data);
        var interrupted = new EngineTrainer(Small(), Averaging(2));
        FitUntilCancelled(interrupted, data, 13);

        var resumed = new EngineTrainer(Small(), Averaging(2));
        Assert.Equal(13, RestoreCheckpoint(interrupted, resumed).AverageSteps);
        resumed.Fit(data);
        Assert.Equal(Weights(uninterrupted.Model), Weights(resumed.Model));
    }

    [Fact]
    public void Restore_CheckpointWithoutAverage_ClearErrorNamingTheFile()
    {
        using TempFile checkpoint = SavedCheckpoint(Fitted(Options(), Bands(64, 2)));
        string path = checkpoint.Path;
        var averaging = new EngineTrainer(Small(), Averaging(1));
        var ex = Assert.Throws<InvalidDataException>(() => CheckpointFile.Restore(path, averaging));
        Assert.Equal($"{Path.GetFileName(path)}: holds no weight average; this run averages the weights", ex.Message);
    }

    [Fact]
    public void Update_AfterWarmUp_AllocatesNothingOnTheCallingThread()
    {
        Sequential model = Small();
        var trainer = new EngineTrainer(model, Averaging(1) with { Augmentation = AugmentationOptions.None });
        var data = Bands(64, 8);
        trainer.Fit(data); // warm-up: optimizer state, JIT
        trainer.Average!.SwapOut();
        var x = new Tensor(32, Presets.Input);
        data.Pixels.AsSpan(0, x.Length).CopyTo(x.Span);
        var loss = new SoftmaxCrossEntropy(10, 32);
        int[] labels = data.Labels[..32];
        IReadOnlyList<Parameter> parameters = model.Parameters;
        void Step()
        {
            loss.Forward(model.Forward(x, training: true), labels);
            model.Backward(loss.Backward());
            trainer.Optimizer.Step(parameters, 0.001f);
            trainer.Average.Update();
        }
        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1024, $"{allocated} bytes allocated in 5 training steps with weight averaging");
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1f)]
    [InlineData(float.NaN)]
    public void Validate_DecayOutsideZeroToOne_Throws(float decay)
    {
        var options = Options() with { WeightAveraging = new WeightAveraging(WeightAveragingKind.Exponential, decay) };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.StartsWith("weight averaging decay: expected a number between 0 and 1", ex.Message, StringComparison.Ordinal);
    }
}
