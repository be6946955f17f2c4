namespace MlNetFashion.Engine.Tensors;

/// <summary>
/// A float32, contiguous, row-major tensor whose first dimension is the batch: [N, C, H, W] or [N, F].
/// Capacity is fixed when it is created (at model build time); <see cref="SetBatchSize"/> shrinks or regrows
/// the batch within that capacity (the last partial batch of an epoch) without allocating.
/// </summary>
public sealed class Tensor
{
    private readonly int[] _dims;

    /// <summary>Creates a tensor of shape [batch, sample...] filled with zeros.</summary>
    public Tensor(int batch, Shape sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (batch <= 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "Expected a positive batch size.");
        // int arithmetic would wrap silently past 2³¹ floats: check in long first. A memory limit, reported as one
        // (InsufficientMemoryException is an OutOfMemoryException whose message is only ours).
        long length = (long)batch * sample.Size;
        if (length > Array.MaxLength)
            throw new InsufficientMemoryException(
                $"A batch of {batch:N0} × [{string.Join(", ", sample.ToArray())}] is {length:N0} floats, more than one tensor holds " +
                    $"({Array.MaxLength:N0}).");
        SampleShape = sample;
        SampleSize = sample.Size;
        _dims = [batch, .. sample.Dims];
        MaxBatchSize = batch;
        Data = new float[length];
    }

    /// <summary>Wraps existing storage; <paramref name="data"/> must hold batch × sample floats.</summary>
    public Tensor(float[] data, int batch, Shape sample)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(sample);
        if (data.Length < (long)batch * sample.Size)
            throw new ArgumentException($"Expected at least {batch * sample.Size} floats for [{batch}, " +
                $"{string.Join(", ", sample.ToArray())}]. Received {data.Length}.", nameof(data));
        SampleShape = sample;
        SampleSize = sample.Size;
        _dims = [batch, .. sample.Dims];
        MaxBatchSize = data.Length / SampleSize;
        Data = data;
    }

    /// <summary>Backing storage; only the first <see cref="Length"/> floats belong to the current batch.</summary>
    public float[] Data { get; }
    public Shape SampleShape { get; }
    public int SampleSize { get; }
    public int MaxBatchSize { get; }
    public int BatchSize => _dims[0];
    /// <summary>[N, ...sample]</summary>
    public ReadOnlySpan<int> Dims => _dims;
    public int Length => _dims[0] * SampleSize;
    public Span<float> Span => Data.AsSpan(0, Length);

    /// <summary>The floats of sample <paramref name="n"/>.</summary>
    public Span<float> Sample(int n) => Data.AsSpan(n * SampleSize, SampleSize);

    /// <summary>
    /// Per-plane sums a consumer asked for and the writer of this tensor fills, if it can (see <see cref="Tensors.PlaneSums"/>).
    /// </summary>
    internal PlaneSums? PlaneSums { get; set; }

    public void SetBatchSize(int batch)
    {
        if (batch <= 0 || batch > MaxBatchSize)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"Expected a batch size in 1..{MaxBatchSize}.");
        _dims[0] = batch;
    }

    public void Clear() => Span.Clear();

    public override string ToString() => "[" + string.Join(", ", _dims) + "]";
}
