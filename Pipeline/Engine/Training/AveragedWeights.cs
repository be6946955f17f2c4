using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Training;

/// <summary>
/// The running average of a model's weights (<see cref="WeightAveraging"/>): one averaged copy of every parameter and
/// buffer, and one copy to park the trained weights in while the average stands in the model, both allocated once.
/// The batch-norm running statistics are averaged with the weights rather than recomputed by a pass over the training
/// data: the average spans ~1 / (1 − d) steps (1,000 for d = 0.999, about one epoch of `fast`), which one-cycle ends at a
/// learning rate near zero, so the statistics the averaged weights would produce differ little from the averaged
/// statistics, and an extra pass would cost ~10 % of an epoch and draw on the RNG no other run draws on.
/// </summary>
public sealed class AveragedWeights
{
    private readonly WeightAveraging _options;
    private readonly Tensor[] _tensors;
    private readonly float[][] _average, _trained;

    public AveragedWeights(Sequential model, WeightAveraging options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _tensors = [.. model.Parameters.Select(p => p.Value).Concat(model.Buffers)];
        _average = [.. _tensors.Select(t => t.Span.ToArray())];
        _trained = [.. _tensors.Select(t => new float[t.Length])];
    }

    /// <summary>Optimizer steps averaged so far.</summary>
    public long Steps { get; private set; }

    /// <summary>True while <see cref="SwapIn"/> has put the average into the model.</summary>
    public bool IsSwappedIn { get; private set; }

    /// <summary>The averaged parameters, then buffers, in <see cref="Checkpoints.WeightsSnapshot"/>'s order.</summary>
    public IReadOnlyList<float[]> Values => _average;

    /// <summary>Starts the average at the model's weights as they stand (before the first step: loaded ones included).</summary>
    public void Reset()
    {
        if (IsSwappedIn) throw new InvalidOperationException("weight averaging: the model holds the average, not the trained weights");
        for (int i = 0; i < _tensors.Length; i++) _tensors[i].Span.CopyTo(_average[i]);
        Steps = 0;
    }

    /// <summary>After an optimizer step: average ← d_t · average + (1 − d_t) · weights. Allocates nothing.</summary>
    public void Update()
    {
        if (IsSwappedIn) throw new InvalidOperationException("weight averaging: the model holds the average, not the trained weights");
        float decay = _options.DecayAt(++Steps);
        for (int i = 0; i < _tensors.Length; i++) MovingAverage.Update(_tensors[i].Span, decay, _average[i]);
    }

    /// <summary>Puts the average into the model and parks the trained weights (validation, best-epoch capture, the end).</summary>
    public void SwapIn()
    {
        if (IsSwappedIn) return;
        for (int i = 0; i < _tensors.Length; i++)
        {
            _tensors[i].Span.CopyTo(_trained[i]);
            _average[i].CopyTo(_tensors[i].Span);
        }
        IsSwappedIn = true;
    }

    /// <summary>Puts the trained weights back, so training continues from them.</summary>
    public void SwapOut()
    {
        if (!IsSwappedIn) return;
        for (int i = 0; i < _tensors.Length; i++) _trained[i].CopyTo(_tensors[i].Span);
        IsSwappedIn = false;
    }

    /// <summary>Continues the average a checkpoint saved (<see cref="Values"/> after <paramref name="steps"/> steps).</summary>
    public void Restore(IReadOnlyList<float[]> values, long steps)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != _average.Length)
            throw new InvalidDataException(
                $"averaged weights: expected {_average.Length} tensors for this model. Received {values.Count}.");
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i].Length != _average[i].Length)
                throw new InvalidDataException(
                    $"averaged weights: tensor {i} expected {_average[i].Length} values for this model. Received {values[i].Length}.");
        }
        for (int i = 0; i < values.Count; i++) values[i].CopyTo(_average[i], 0);
        (Steps, IsSwappedIn) = (steps, false);
    }
}
