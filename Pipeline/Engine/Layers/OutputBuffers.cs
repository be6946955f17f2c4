using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers;

/// <summary>
/// The two buffers a model's layers write the outputs into that only the next layer's forward reads (no backward reads
/// them, nobody passes them on). Such an output is dead once the next layer has run its Forward, so a run of them along the
/// chain takes the two buffers in turn: a layer never writes the buffer it reads, and each buffer is written again while
/// it is still in cache, where one buffer per layer would be written cold. Each buffer is sized for its largest output.
/// </summary>
internal sealed class OutputBuffers
{
    private readonly int[] _batch = new int[2];
    private readonly Shape?[] _largest = new Shape?[2];
    private float[][] _storage = [];

    /// <summary>Makes room in buffer <paramref name="slot"/> (0 or 1) for an output [maxBatchSize, ...shape].</summary>
    public void Reserve(int slot, int maxBatchSize, Shape shape)
    {
        if (_storage.Length > 0) throw new InvalidOperationException("OutputBuffers: Reserve after Allocate.");
        if (_largest[slot] is not { } largest || (long)maxBatchSize * shape.Size > (long)_batch[slot] * largest.Size)
            (_batch[slot], _largest[slot]) = (maxBatchSize, shape);
    }

    /// <summary>Allocates both buffers for their largest reservations (a buffer nothing reserved stays empty).</summary>
    public void Allocate() => _storage = [Storage(0), Storage(1)];

    private float[] Storage(int slot) => _largest[slot] is { } shape ? new Tensor(_batch[slot], shape).Data : [];

    /// <summary>Buffer <paramref name="slot"/> seen as [maxBatchSize, ...shape] (a reserved shape).</summary>
    public Tensor View(int slot, int maxBatchSize, Shape shape)
    {
        if (_storage.Length == 0) throw new InvalidOperationException("OutputBuffers: View before Allocate.");
        return new Tensor(_storage[slot], maxBatchSize, shape);
    }
}
