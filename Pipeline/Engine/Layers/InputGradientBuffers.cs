using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers;

/// <summary>
/// The two buffers a model's layers write their dL/dInput into. In a backward pass a layer's input gradient is read only
/// by the layer below it, so two buffers serve the whole chain: each layer reads its output gradient from one and writes
/// into the other. They stay in cache, where one buffer per layer would be written cold (read from memory first) and
/// written back once per step.
/// </summary>
internal sealed class InputGradientBuffers
{
    private int _batch;
    private Shape? _largest;
    private float[][] _storage = [];

    /// <summary>Makes room for a layer's input gradient [<paramref name="maxBatchSize"/>, ...<paramref name="inputShape"/>].</summary>
    public void Reserve(int maxBatchSize, Shape inputShape)
    {
        if (_storage.Length > 0) throw new InvalidOperationException("InputGradientBuffers: Reserve after Allocate.");
        if (_largest is null || (long)maxBatchSize * inputShape.Size > (long)_batch * _largest.Size)
            (_batch, _largest) = (maxBatchSize, inputShape);
    }

    /// <summary>Allocates both buffers for the largest reservation (none: nothing to allocate).</summary>
    public void Allocate()
    {
        if (_largest is null) return;
        _storage = [new Tensor(_batch, _largest).Data, new Tensor(_batch, _largest).Data];
    }

    /// <summary>Both buffers seen as [<paramref name="maxBatchSize"/>, ...<paramref name="inputShape"/>] (a reserved shape).</summary>
    public Tensor[] Views(int maxBatchSize, Shape inputShape)
    {
        if (_storage.Length == 0) throw new InvalidOperationException("InputGradientBuffers: Views before Allocate.");
        return [new Tensor(_storage[0], maxBatchSize, inputShape), new Tensor(_storage[1], maxBatchSize, inputShape)];
    }
}
