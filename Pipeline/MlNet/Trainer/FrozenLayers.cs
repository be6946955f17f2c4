using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>
/// Freezes the feature extractor — every layer before the first Dense (convolutions, their batch normalization with
/// its running statistics) — for the first epochs of fine-tuning (<c>epochs</c>), as Keras' trainable = False
/// on a pretrained base: after every batch of those epochs its weights are put back to the values they started with, so
/// only the classifier layers learn while the new head is still random.
/// </summary>
internal sealed class FrozenLayers : ITrainingCallback
{
    private readonly int _epochs;
    private readonly Tensor[] _tensors;
    private readonly float[][] _values;

    public FrozenLayers(Sequential model, int epochs)
    {
        ArgumentNullException.ThrowIfNull(model);
        _epochs = epochs;
        var frozen = model.Layers.TakeWhile(l => l is not Dense).ToList();
        _tensors = [.. frozen.SelectMany(l => l.Parameters).Select(p => p.Value).Concat(frozen.SelectMany(l => l.Buffers))];
        _values = [.. _tensors.Select(t => t.Span.ToArray())];
    }

    /// <summary>How many tensors (kernels, biases, batch-norm scales and statistics) are frozen.</summary>
    public int TensorCount => _tensors.Length;

    public void OnBatchEnd(BatchMetrics metrics)
    {
        if (metrics.Epoch > _epochs) return;
        for (int i = 0; i < _tensors.Length; i++) _values[i].CopyTo(_tensors[i].Span);
    }
}
