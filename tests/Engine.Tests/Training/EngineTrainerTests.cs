using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Schedules;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;
using MlNetFashion.Engine.Training;
using static MlNetFashion.Engine.Tests.Training.TrainerFixture;

namespace MlNetFashion.Engine.Tests.Training;

/// <summary>
/// EngineTrainer.Fit: determinism, learning, the best epoch, its options, cancellation, divergence, allocations and the
/// convolution kernel a recipe picks.
/// </summary>
public class EngineTrainerTests
{
    [Fact]
    public void Fit_SameSeedSameThreads_BitwiseIdenticalWeights()
    {
        LabeledImages data = Bands(300, 1);
        var first = Fitted(Options(), data);
        var second = Fitted(Options(), data);
        Assert.Equal(Weights(first.Model), Weights(second.Model));
        var other = Fitted(Options() with { Seed = 43 }, data);
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
    public void Fit_WithCutMix_LearnsAndGivesTheSameWeightsForTheSameSeed()
    {
        EngineTrainerOptions options = Options(3) with { Augmentation = new AugmentationOptions(CutMixProbability: 0.5f) };
        var trainer = new EngineTrainer(Small(), options);
        var history = trainer.Fit(Bands(1000, 2), Bands(300, 3)).History;
        Assert.True(history[^1].ValidationAccuracy > 0.9, $"validation accuracy {history[^1].ValidationAccuracy:P1}");
        var again = new EngineTrainer(Small(), options);
        again.Fit(Bands(1000, 2), Bands(300, 3));
        Assert.Equal(Weights(trainer.Model), Weights(again.Model));
        var without = new EngineTrainer(Small(), Options(3) with { Augmentation = AugmentationOptions.None });
        without.Fit(Bands(1000, 2), Bands(300, 3));
        Assert.NotEqual(Weights(trainer.Model), Weights(without.Model));
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

    [Fact]
    public void Fit_FewerValidationImagesThanRankEpochs_KeepsTheLastEpochsWeights()
    {
        // A rate 50× too high in the last epoch pulls its validation accuracy under an earlier epoch's.
        LabeledImages data = Bands(600, 2);
        (TrainingResult Result, EngineTrainer Trainer) Run(int validationImages)
        {
            var trainer = new EngineTrainer(Small(), Options(3)).AddCallback(new ScaleRateAfter(2, 50f));
            return (trainer.Fit(data, Bands(validationImages, 3)), trainer);
        }

        var (ranked, _) = Run(EngineTrainer.RankingImages);
        var (few, trainer) = Run(EngineTrainer.RankingImages - 1);

        Assert.True(ranked.History[2].ValidationAccuracy < ranked.History.Take(2).Max(h => h.ValidationAccuracy),
            $"validation accuracies {string.Join(", ", ranked.History.Select(h => h.ValidationAccuracy))}");
        Assert.NotEqual(3, ranked.BestEpoch);
        Assert.Equal(3, few.BestEpoch);
        Assert.Equal(few.History[2].ValidationLoss!.Value, trainer.Evaluate(Bands(EngineTrainer.RankingImages - 1, 3)).Loss, 1e-4f);
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
        int byLoss = history.MinBy(h => h.ValidationLoss)!.Epoch;
        int byAccuracy = history.OrderByDescending(h => h.ValidationAccuracy).ThenBy(h => h.ValidationLoss).First().Epoch;
        Assert.NotEqual(byLoss, byAccuracy);
        Assert.Equal(monitor == EarlyStoppingMetric.Loss ? byLoss : byAccuracy, result.BestEpoch);
        var (loss, accuracy) = trainer.Evaluate(shuffled);
        EpochMetrics kept = history[result.BestEpoch - 1];
        Assert.Equal(kept.ValidationLoss!.Value, loss, 1e-4f);
        Assert.Equal(kept.ValidationAccuracy!.Value, accuracy, 1e-4f);
    }

    [Fact]
    public void Fit_RestoreBestOnAccuracy_OfEpochsTiedAtTheBestAccuracyKeepsTheOneWithTheLowestLoss()
    {
        // 100 validation images of easy bands: 100 % from an early epoch on, while the loss still falls.
        var trainer = new EngineTrainer(Small(), Options(6));
        TrainingResult result = trainer.Fit(Bands(600, 2), Bands(EngineTrainer.RankingImages, 3));
        var history = result.History;
        float top = history.Max(h => h.ValidationAccuracy!.Value);
        var tied = history.Where(h => h.ValidationAccuracy == top).ToList();
        Assert.True(tied.Count > 1, $"validation accuracies {string.Join(", ", history.Select(h => h.ValidationAccuracy))}");
        EpochMetrics lowest = tied.MinBy(h => h.ValidationLoss)!;
        Assert.NotEqual(tied[0].Epoch, lowest.Epoch);
        Assert.Equal(lowest.Epoch, result.BestEpoch);
        Assert.Equal(lowest.ValidationLoss!.Value, trainer.Evaluate(Bands(EngineTrainer.RankingImages, 3)).Loss, 1e-4f);
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

    [Theory]
    [InlineData("weight decay", -1f, 0, 0)]
    [InlineData("weight decay", float.NaN, 0, 0)]
    [InlineData("early stopping patience", 0f, -1, 0)]
    [InlineData("plateau patience", 0f, 0, -1)]
    public void Options_NegativeDecayOrPatience_RefusedNamingTheSetting(string setting, float decay, int patience, int plateau)
    {
        // A negative weight decay would grow the weights every step; a negative patience has no meaning.
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


    [DefaultConvolutionTheory]
    // null: the auto rule, F(2×2) for a 3×3 'same' conv on ≥ 8 channels.
    [InlineData(null, typeof(Engine.Kernels.WinogradKernel))]
    [InlineData("winograd4x4", typeof(Engine.Kernels.Winograd4x4Kernel))]   // a recipe's "convolution"
    [InlineData("im2col", typeof(Engine.Kernels.ConvolutionKernel))]
    public void Build_UnderARecipesConvolution_PicksItsKernel(string? convolution, Type expected)
    {
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
