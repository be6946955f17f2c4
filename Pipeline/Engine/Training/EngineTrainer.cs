using MlNetFashion.Engine.Checkpoints;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Losses;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Schedules;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Training;

/// <summary>
/// The engine's fit loop: epochs (<see cref="EpochRunner"/>) until the count or a callback stops it; after each, the
/// best epoch is updated and the policies (early stopping, plateau) and the caller's callbacks run.
/// Same seed + same thread count ⇒ the same weights, bit for bit.
/// </summary>
public sealed class EngineTrainer
{
    private readonly EngineTrainerOptions _options;
    private readonly List<ITrainingCallback> _callbacks = [];
    private readonly TrainingControl _control = new();
    private readonly List<EpochMetrics> _history = [];
    private List<ITrainingCallback> _policies;
    private int _completedEpochs, _bestEpoch;
    private float _bestScore = float.NegativeInfinity;
    private PartialEpoch? _interrupted;

    public EngineTrainer(Sequential model, EngineTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (Model, _options) = (model, options);
        UseProcessSettings(options);
        Random = new EngineRandom(options.Seed);
        if (!model.IsBuilt)
            using (ConvolutionAlgorithm.Use(options.Convolution))
                model.Build(options.BatchSize, Random);
        Optimizer = Optimizer.Create(options.Optimizer, options.WeightDecay, options.Momentum, options.Nesterov, options.AdamEpsilon);
        Schedule = LearningRateSchedule.Create(options.Schedule, options.WarmupFraction);
        Average = options.WeightAveraging.IsOn ? new AveragedWeights(model, options.WeightAveraging) : null;
        _policies = CreatePolicies();
    }

    /// <summary>
    /// The kernels' thread count and GEMM provider are process-wide settings, and both decide how sums are split and
    /// rounded: a seed gives the same weights only under the same ones. They are set here, before the model is built,
    /// because convolutions size their per-thread workspaces when built, and the provider is resolved now
    /// (MLNETFASHION_GEMM or the auto rule) so a bad value or a missing OpenBLAS fails before any data is read. Trainers
    /// in one process share them: the one constructed last sets them for all.
    /// </summary>
    private static void UseProcessSettings(EngineTrainerOptions options)
    {
        Parallelism.Threads = options.Threads;
        _ = Gemm.Provider;
    }

    /// <summary>Early stopping and the plateau: they count epochs without progress, so a resume rebuilds them.</summary>
    private List<ITrainingCallback> CreatePolicies()
    {
        var policies = new List<ITrainingCallback>();
        if (_options.EarlyStopping.CreateCallback() is { } earlyStopping) policies.Add(earlyStopping);
        if (_options.ReduceOnPlateauPatience > 0)
            policies.Add(new ReduceLearningRateOnPlateau(_options.ReduceOnPlateauPatience, _options.ReduceOnPlateauFactor,
                _options.ReduceOnPlateauMinDelta));
        return policies;
    }

    public Sequential Model { get; }
    public EngineRandom Random { get; }
    public Optimizer Optimizer { get; }
    public LearningRateSchedule Schedule { get; }
    /// <summary>The running weight average (null without <see cref="EngineTrainerOptions.WeightAveraging"/>).</summary>
    public AveragedWeights? Average { get; }

    /// <summary>Where the run stands now (a copy): what a checkpoint saves, also after a cancelled Fit.</summary>
    public ResumeState State => new(_completedEpochs, [.. _history], _bestEpoch, _bestScore, _control.LearningRateScale, _interrupted);

    /// <summary>
    /// Continues from <paramref name="state"/> (a checkpoint's; the weights, optimizer and RNG are restored beside it).
    /// Early stopping and the plateau replay the saved history on a scratch control (the learning-rate scale itself is
    /// the saved one), so a run that had already stopped early stays stopped, as it would have without the interruption.
    /// </summary>
    public void Resume(ResumeState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        (_completedEpochs, _bestEpoch, _bestScore) = (state.CompletedEpochs, state.BestEpoch, state.BestScore);
        _interrupted = state.Interrupted;
        _history.Clear();
        _history.AddRange(state.History);
        _control.LearningRateScale = state.LearningRateScale;
        _policies = CreatePolicies();
        var replay = new TrainingControl();
        foreach (EpochMetrics metrics in _history)
            foreach (ITrainingCallback policy in _policies) policy.OnEpochEnd(metrics, replay);
        (_control.StopRequested, _control.StopReason) = (replay.StopRequested, replay.StopReason);
    }

    /// <summary>
    /// The fewest validation images that rank epochs for restore-best. On 20 held-out images (200 photos or digits of ten
    /// classes) the epoch restore-best picked scored 0.1–4.9 points under the last one on the test set at each of six
    /// seeds; on 100–136 both were within 0.6 points (docs/results.md). The presets' one-cycle schedule ends annealed, so
    /// the last epoch is the natural one to keep when the validation set cannot tell.
    /// </summary>
    public const int RankingImages = 100;

    public EngineTrainer AddCallback(ITrainingCallback callback)
    {
        _callbacks.Add(callback);
        return this;
    }

    /// <summary>
    /// Trains from where <see cref="State"/> stands to <see cref="EngineTrainerOptions.Epochs"/> or an early stop. When
    /// <paramref name="cancellation"/> fires it stops between batches and throws; <see cref="State"/> then says where.
    /// With weight averaging, validation and restore-best see the average, callbacks see the trained weights (a checkpoint
    /// saves both), and the model ends holding the average.
    /// </summary>
    public TrainingResult Fit(LabeledImages train, LabeledImages? validation = null, CancellationToken cancellation = default)
    {
        if (!train.Shape.Equals(Model.InputShape))
            throw new ArgumentException($"training images: expected shape {Model.InputShape}. Received {train.Shape}.");
        Average?.SwapOut();   // a Fit after a Fit trains on from the trained weights, not the average
        // A fresh run's average starts from the weights as they stand now, loaded ones (fine-tuning) included.
        if (Average is { Steps: 0 }) Average.Reset();
        var epochs = new EpochRunner(Model, _options, Optimizer, Schedule, Random, train, Average);
        // Without a validation set large enough to rank epochs nothing is restored: the run keeps the last epoch's weights.
        WeightsSnapshot? best = null;
        bool ranked = validation is not null && validation.Count >= RankingImages;
        bool keepBest = _options.RestoreBestWeights && ranked;
        for (int epoch = _completedEpochs + 1; epoch <= _options.Epochs && !_control.StopRequested; epoch++)
        {
            PartialEpoch? resume = _interrupted is { } p && p.Epoch == epoch ? p : null;
            _interrupted = null;
            foreach (var callback in _callbacks) callback.OnEpochStart(epoch);
            EpochOutcome outcome = epochs.Run(epoch, resume, _control.LearningRateScale, validation, _callbacks, cancellation);
            if (outcome.Interrupted is not null)
            {
                _interrupted = outcome.Interrupted;
                cancellation.ThrowIfCancellationRequested();
            }
            EpochMetrics metrics = outcome.Metrics!;
            if (Record(metrics, ranked) && keepBest)
            {
                Average?.SwapIn();
                if (best is null) best = WeightsSnapshot.Capture(Model);
                else best.CaptureInto(Model);
                Average?.SwapOut();
            }
            foreach (var policy in _policies) policy.OnEpochEnd(metrics, _control);
            foreach (var callback in _callbacks) callback.OnEpochEnd(metrics, _control);
        }
        Average?.SwapIn();
        if (best is not null && _bestEpoch != _completedEpochs) best.Restore(Model);
        return new TrainingResult([.. _history], _bestEpoch, _bestScore, _control.StopReason);
    }

    /// <summary>Adds the epoch to the history; true when it is the new best epoch (always, when validation cannot rank).</summary>
    private bool Record(EpochMetrics metrics, bool ranked)
    {
        _completedEpochs = metrics.Epoch;
        EpochMetrics? best = _history.Find(m => m.Epoch == _bestEpoch);
        bool better = !ranked || _options.EarlyStopping.Improves(metrics, best);
        if (better) (_bestScore, _bestEpoch) = (_options.EarlyStopping.Score(metrics), metrics.Epoch);
        _history.Add(metrics);
        return better;
    }

    /// <summary>Mean loss and accuracy of the model as it stands, in eval mode (the loss as training computes it).</summary>
    public (float Loss, float Accuracy) Evaluate(LabeledImages data)
    {
        int batchSize = Math.Min(_options.BatchSize, Model.MaxBatchSize);
        var loss = new SoftmaxCrossEntropy(Model.OutputShape.Size, batchSize, _options.LabelSmoothing);
        return EpochRunner.Evaluate(Model, data, loss, new Tensor(batchSize, Model.InputShape), new int[batchSize]);
    }
}
