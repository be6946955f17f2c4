using System.Diagnostics;
using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Losses;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Schedules;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Training;

/// <summary>An epoch that ran to its end (<see cref="Metrics"/>) or was cancelled between batches (<see cref="Interrupted"/>).</summary>
internal readonly record struct EpochOutcome(EpochMetrics? Metrics, PartialEpoch? Interrupted);

/// <summary>
/// One epoch of the fit loop: a seeded shuffle, then per batch (the last one partial) augmentation, forward, loss,
/// backward, one optimizer step at the scheduled rate and the weight average's update; then the validation pass (of the
/// average, with weight averaging). Its buffers are allocated once, for every epoch of a Fit: a step allocates nothing.
/// </summary>
internal sealed class EpochRunner
{
    private readonly Sequential _model;
    private readonly EngineTrainerOptions _options;
    private readonly Optimizer _optimizer;
    private readonly LearningRateSchedule _schedule;
    private readonly EngineRandom _random;
    private readonly LabeledImages _train;
    private readonly AveragedWeights? _average;
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly SoftmaxCrossEntropy _loss;
    private readonly Augmenter _augmenter;
    private readonly Tensor _input;
    private readonly int[] _labels, _mixedLabels;
    private readonly int[] _order;
    private readonly int _batchSize, _batches;
    private readonly long _totalSteps;

    public EpochRunner(Sequential model, EngineTrainerOptions options, Optimizer optimizer, LearningRateSchedule schedule,
        EngineRandom random, LabeledImages train, AveragedWeights? average)
    {
        (_model, _options, _optimizer, _schedule, _random, _train) = (model, options, optimizer, schedule, random, train);
        _average = average;
        _batchSize = Math.Min(options.BatchSize, model.MaxBatchSize);
        _loss = new SoftmaxCrossEntropy(model.OutputShape.Size, _batchSize, options.LabelSmoothing);
        _augmenter = new Augmenter(options.Augmentation, model.InputShape);
        _input = new Tensor(_batchSize, model.InputShape);
        _labels = new int[_batchSize];
        _mixedLabels = new int[_batchSize];
        _order = new int[train.Count];
        _parameters = model.Parameters;
        _batches = (train.Count + _batchSize - 1) / _batchSize;
        _totalSteps = (long)options.Epochs * _batches;
    }

    /// <summary>
    /// Trains epoch <paramref name="epoch"/>, from <paramref name="resume"/>'s batch when it continues an interrupted one,
    /// at the schedule's rate × <paramref name="learningRateScale"/>; then scores <paramref name="validation"/>.
    /// </summary>
    public EpochOutcome Run(int epoch, PartialEpoch? resume, float learningRateScale, LabeledImages? validation,
        IReadOnlyList<ITrainingCallback> callbacks, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        ulong[] epochStart = Shuffle(resume);
        double lossSum = resume?.LossSum ?? 0;
        long correct = resume?.Correct ?? 0;
        float lr = 0;
        for (int b = resume?.Batch ?? 0; b < _batches; b++)
        {
            // Stop between batches and say exactly where, so a checkpoint can resume mid-epoch.
            if (cancellation.IsCancellationRequested)
                return new EpochOutcome(null, new PartialEpoch(epoch, b, epochStart, _random.GetState(), lossSum, correct));
            int start = b * _batchSize, n = Math.Min(_batchSize, _train.Count - start);
            (float batchLoss, int batchCorrect) = Step(epoch, b, start, n, ref lr, learningRateScale);
            lossSum += batchLoss * n;
            correct += batchCorrect;
            var batchMetrics = new BatchMetrics(epoch, b + 1, _batches, n, batchLoss, (float)batchCorrect / n, lr,
                (start + n) / clock.Elapsed.TotalSeconds);
            foreach (var callback in callbacks) callback.OnBatchEnd(batchMetrics);
        }
        double trainSeconds = clock.Elapsed.TotalSeconds;
        (float? valLoss, float? valAccuracy) = (null, null);
        if (validation is not null)
        {
            // With weight averaging the average is what the run keeps, so it is what validation scores.
            _average?.SwapIn();
            (valLoss, valAccuracy) = Evaluate(_model, validation, _loss, _input, _labels);
            _average?.SwapOut();
        }
        return new EpochOutcome(new EpochMetrics(epoch, (float)(lossSum / _train.Count), (float)correct / _train.Count, valLoss,
            valAccuracy, lr, clock.Elapsed.TotalSeconds, _train.Count / trainSeconds), null);
    }

    /// <summary>
    /// The epoch's order: a shuffle drawn from the RNG state at the epoch's start (a resumed epoch's, saved, rebuilds the
    /// same order); a resumed epoch then continues from the RNG state it stopped at. Returns the state at the start.
    /// </summary>
    private ulong[] Shuffle(PartialEpoch? resume)
    {
        ulong[] epochStart = resume?.EpochStartRandom ?? _random.GetState();
        _random.SetState(epochStart);
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        _random.Shuffle(_order);
        if (resume is not null) _random.SetState(resume.Random);
        return epochStart;
    }

    /// <summary>One optimizer step on images [start, start + n) of the epoch's order; <paramref name="lr"/> becomes its rate.</summary>
    private (float Loss, int Correct) Step(int epoch, int batch, int start, int n, ref float lr, float learningRateScale)
    {
        _input.SetBatchSize(n);
        for (int i = 0; i < n; i++)
        {
            _train.Image(_order[start + i]).CopyTo(_input.Sample(i));
            _labels[i] = _train.Labels[_order[start + i]];
        }
        _augmenter.Apply(_input, _random);
        float mix = _augmenter.CutMix(_input, _labels.AsSpan(0, n), _mixedLabels, _random);
        ReadOnlySpan<int> mixed = mix < 1f ? _mixedLabels.AsSpan(0, n) : [];
        float batchLoss = _loss.Forward(_model.Forward(_input, training: true), _labels.AsSpan(0, n), mixed, mix);
        if (!float.IsFinite(batchLoss)) throw new TrainingDivergedException(epoch, batch + 1, lr);
        _model.Backward(_loss.Backward());
        lr = _schedule.At((long)(epoch - 1) * _batches + batch, _totalSteps, _options.LearningRate) * learningRateScale;
        _optimizer.Step(_parameters, lr);
        _average?.Update();
        return (batchLoss, _loss.CountCorrect());
    }

    /// <summary>Mean loss and accuracy in eval mode (no augmentation, running batch-norm statistics).</summary>
    public static (float Loss, float Accuracy) Evaluate(Sequential model, LabeledImages data, SoftmaxCrossEntropy loss, Tensor input,
        int[] labels)
    {
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < data.Count; start += input.MaxBatchSize)
        {
            int n = Math.Min(input.MaxBatchSize, data.Count - start);
            input.SetBatchSize(n);
            data.Pixels.AsSpan(start * data.Shape.Size, n * data.Shape.Size).CopyTo(input.Span);
            data.Labels.AsSpan(start, n).CopyTo(labels);
            lossSum += loss.Forward(model.Forward(input, training: false), labels.AsSpan(0, n)) * n;
            correct += loss.CountCorrect();
        }
        return ((float)(lossSum / data.Count), (float)correct / data.Count);
    }
}
