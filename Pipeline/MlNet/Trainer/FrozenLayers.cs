using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>
/// Freezes the feature extractor — every layer before the first Dense (convolutions, their batch normalization with
/// its running statistics) — for the first epochs of fine-tuning (<c>epochs</c>), as Keras' trainable = False
/// on a pretrained base, so only the classifier layers learn while the new head is still random. Its parameters are
/// <see cref="Parameter.Frozen"/> during those epochs (the optimizer neither moves them nor keeps moments or decay for
/// them), and the running statistics, which every training-mode forward pass updates, are put back after each batch.
/// </summary>
internal sealed class FrozenLayers : ITrainingCallback
{
    private readonly int _epochs;
    private readonly Parameter[] _parameters;
    private readonly Tensor[] _statistics;
    private readonly float[][] _values;

    public FrozenLayers(Sequential model, int epochs)
    {
        ArgumentNullException.ThrowIfNull(model);
        _epochs = epochs;
        var frozen = model.Layers.TakeWhile(l => l is not Dense).ToList();
        _parameters = [.. frozen.SelectMany(l => l.Parameters)];
        _statistics = [.. frozen.SelectMany(l => l.Buffers)];
        _values = [.. _statistics.Select(t => t.Span.ToArray())];
    }

    /// <summary>How many tensors (kernels, biases, batch-norm scales and statistics) are frozen.</summary>
    public int TensorCount => _parameters.Length + _statistics.Length;

    public void OnEpochStart(int epoch)
    {
        foreach (Parameter p in _parameters) p.Frozen = epoch <= _epochs;
    }

    /// <summary>After the last frozen epoch the layers thaw, also when it ends the run (the model trains on elsewhere).</summary>
    public void OnEpochEnd(EpochMetrics metrics, TrainingControl control)
    {
        if (metrics.Epoch >= _epochs) foreach (Parameter p in _parameters) p.Frozen = false;
    }

    public void OnBatchEnd(BatchMetrics metrics)
    {
        if (metrics.Epoch > _epochs) return;
        for (int i = 0; i < _statistics.Length; i++) _values[i].CopyTo(_statistics[i].Span);
    }
}
