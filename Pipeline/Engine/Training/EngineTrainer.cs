using System.Diagnostics;
using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Checkpoints;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Losses;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Schedules;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Training;

/// <summary>
/// The engine's fit loop: per epoch a seeded shuffle, batches (the last one partial), augmentation, forward, loss,
/// backward, one optimizer step at the scheduled rate; then validation and the callbacks. Buffers are allocated once.
/// Same seed + same thread count ⇒ the same weights, bit for bit.
/// </summary>
public sealed class EngineTrainer
{
    private readonly EngineTrainerOptions _options;
    private readonly List<ITrainingCallback> _policies = [];   // early stopping, plateau: state rebuilt on resume
    private readonly List<ITrainingCallback> _callbacks = [];

    public EngineTrainer(Sequential model, EngineTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (Model, _options) = (model, options);
        Parallelism.Threads = options.Threads;
        Gemm.Configure(Gemm.Provider);
        Random = new EngineRandom(options.Seed);
        if (!model.IsBuilt)
            using (ConvolutionAlgorithm.Use(options.Convolution))
                model.Build(options.BatchSize, Random);
        Optimizer = Optimizer.Create(options.Optimizer, options.WeightDecay, options.Momentum, options.Nesterov, options.AdamEpsilon);
        Schedule = LearningRateSchedule.Create(options.Schedule, options.WarmupFraction);
        _policies.AddRange(CreatePolicies());
    }

    private IEnumerable<ITrainingCallback> CreatePolicies()
    {
        if (_options.EarlyStopping.CreateCallback() is { } earlyStopping) yield return earlyStopping;
        if (_options.ReduceOnPlateauPatience > 0) yield return new ReduceLearningRateOnPlateau(_options.ReduceOnPlateauPatience, _options.ReduceOnPlateauFactor, _options.ReduceOnPlateauMinDelta);
    }

    /// <summary>
    /// After a checkpoint restore: early stopping and the plateau count epochs without progress, so fresh ones replay the
    /// restored history (on a scratch control: the learning-rate scale itself comes from the checkpoint). A run that had
    /// already stopped early stays stopped, as it would have without the interruption.
    /// </summary>
    public void ReplayHistoryIntoPolicies()
    {
        _policies.Clear();
        _policies.AddRange(CreatePolicies());
        var replay = new TrainingControl();
        foreach (EpochMetrics metrics in History)
        foreach (ITrainingCallback policy in _policies) policy.OnEpochEnd(metrics, replay);
        (Control.StopRequested, Control.StopReason) = (replay.StopRequested, replay.StopReason);
    }

    public Sequential Model { get; }
    public EngineRandom Random { get; }
    public Optimizer Optimizer { get; }
    public LearningRateSchedule Schedule { get; }
    public TrainingControl Control { get; } = new();
    public List<EpochMetrics> History { get; } = [];
    /// <summary>Epochs completed (a resumed run starts from here).</summary>
    public int CompletedEpochs { get; set; }
    public int BestEpoch { get; private set; }

    /// <summary>Where an interrupted run stopped inside an epoch (null between epochs); saved in checkpoints.</summary>
    public PartialEpoch? Interrupted { get; set; }
    /// <summary>The best epoch's <see cref="EarlyStopping.Score"/>: validation accuracy or negated validation loss (training figures when nothing is held out).</summary>
    public float BestScore { get; private set; } = float.NegativeInfinity;
    public string? StopReason => Control.StopReason;

    /// <summary>Used when resuming: the best epoch so far, so restore-best still compares against it.</summary>
    public void RestoreBest(int epoch, float score) => (BestEpoch, BestScore) = (epoch, score);

    public EngineTrainer AddCallback(ITrainingCallback callback)
    {
        _callbacks.Add(callback);
        return this;
    }

    public IReadOnlyList<EpochMetrics> Fit(LabeledImages train, LabeledImages? validation = null, CancellationToken cancellation = default)
    {
        if (!train.Shape.Equals(Model.InputShape))
            throw new ArgumentException($"training images: expected shape {Model.InputShape}. Received {train.Shape}.");
        int batchSize = Math.Min(_options.BatchSize, Model.MaxBatchSize), classes = Model.OutputShape.Size;
        var loss = new SoftmaxCrossEntropy(classes, batchSize, _options.LabelSmoothing);
        var augmenter = new Augmenter(_options.Augmentation, Model.InputShape);
        var input = new Tensor(batchSize, Model.InputShape);
        var labels = new int[batchSize];
        var order = new int[train.Count];
        var parameters = Model.Parameters;
        int batches = (train.Count + batchSize - 1) / batchSize;
        long totalSteps = (long)_options.Epochs * batches;
        WeightsSnapshot? best = null;

        for (int epoch = CompletedEpochs + 1; epoch <= _options.Epochs && !Control.StopRequested; epoch++)
        {
            var clock = Stopwatch.StartNew();
            PartialEpoch? resume = Interrupted is { } p && p.Epoch == epoch ? p : null;
            Interrupted = null;
            ulong[] epochStart = resume?.EpochStartRandom ?? Random.GetState();
            Random.SetState(epochStart);
            for (int i = 0; i < order.Length; i++) order[i] = i;
            Random.Shuffle(order);
            if (resume is not null) Random.SetState(resume.Random);
            double lossSum = resume?.LossSum ?? 0;
            long correct = resume?.Correct ?? 0;
            float lr = 0;
            for (int b = resume?.Batch ?? 0; b < batches; b++)
            {
                if (cancellation.IsCancellationRequested)
                {
                    // Stop between batches and remember exactly where, so a checkpoint can resume mid-epoch.
                    Interrupted = new PartialEpoch(epoch, b, epochStart, Random.GetState(), lossSum, correct);
                    cancellation.ThrowIfCancellationRequested();
                }
                int start = b * batchSize, n = Math.Min(batchSize, train.Count - start);
                input.SetBatchSize(n);
                for (int i = 0; i < n; i++)
                {
                    train.Image(order[start + i]).CopyTo(input.Sample(i));
                    labels[i] = train.Labels[order[start + i]];
                }
                augmenter.Apply(input, Random);
                float batchLoss = loss.Forward(Model.Forward(input, training: true), labels.AsSpan(0, n));
                if (!float.IsFinite(batchLoss)) throw new TrainingDivergedException(epoch, b + 1, lr);
                Model.Backward(loss.Backward());
                lr = Schedule.At((long)(epoch - 1) * batches + b, totalSteps, _options.LearningRate) * Control.LearningRateScale;
                Optimizer.Step(parameters, lr);
                lossSum += batchLoss * n;
                int batchCorrect = loss.CountCorrect();
                correct += batchCorrect;
                var batchMetrics = new BatchMetrics(epoch, b + 1, batches, n, batchLoss, (float)batchCorrect / n, lr, (start + n) / clock.Elapsed.TotalSeconds);
                foreach (var callback in _callbacks) callback.OnBatchEnd(batchMetrics);
            }
            double trainSeconds = clock.Elapsed.TotalSeconds;
            (float? valLoss, float? valAccuracy) = (null, null);
            if (validation is not null) (valLoss, valAccuracy) = Evaluate(validation, loss, input, labels);
            var metrics = new EpochMetrics(epoch, (float)(lossSum / train.Count), (float)correct / train.Count, valLoss, valAccuracy,
                lr, clock.Elapsed.TotalSeconds, train.Count / trainSeconds);
            History.Add(metrics);
            CompletedEpochs = epoch;
            float score = _options.EarlyStopping.Score(metrics);
            // Without a validation set nothing is restored: the epoch whose weights the run keeps is always the last.
            // As Keras' restore_best_weights, an epoch is better only by more than min delta, the margin early stopping uses.
            if (validation is null || score > BestScore + _options.EarlyStopping.MinDelta)
            {
                (BestScore, BestEpoch) = (score, epoch);
                if (_options.RestoreBestWeights && validation is not null)
                {
                    if (best is null) best = WeightsSnapshot.Capture(Model);
                    else best.CaptureInto(Model);
                }
            }
            foreach (var policy in _policies) policy.OnEpochEnd(metrics, Control);
            foreach (var callback in _callbacks) callback.OnEpochEnd(metrics, Control);
        }
        if (best is not null && BestEpoch != CompletedEpochs) best.Restore(Model);
        return History;
    }

    /// <summary>Mean loss and accuracy in eval mode (no augmentation, running batch-norm statistics).</summary>
    public (float Loss, float Accuracy) Evaluate(LabeledImages data, SoftmaxCrossEntropy loss, Tensor input, int[] labels)
    {
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < data.Count; start += input.MaxBatchSize)
        {
            int n = Math.Min(input.MaxBatchSize, data.Count - start);
            input.SetBatchSize(n);
            data.Pixels.AsSpan(start * data.Shape.Size, n * data.Shape.Size).CopyTo(input.Span);
            data.Labels.AsSpan(start, n).CopyTo(labels);
            lossSum += loss.Forward(Model.Forward(input, training: false), labels.AsSpan(0, n)) * n;
            correct += loss.CountCorrect();
        }
        return ((float)(lossSum / data.Count), (float)correct / data.Count);
    }
}
