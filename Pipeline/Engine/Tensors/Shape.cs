namespace MlNetFashion.Engine.Tensors;

/// <summary>
/// The shape of one sample, without the batch dimension: (C, H, W) for images, (F) for features.
/// Layers declare shapes at build time so mistakes surface before the first batch.
/// </summary>
public sealed class Shape : IEquatable<Shape>
{
    private readonly int[] _dims;

    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        long size = 1;
        foreach (int d in dims)
        {
            if (d <= 0) throw new ArgumentException($"Expected positive dimensions. Received {Format(dims)}.", nameof(dims));
            size *= d;
            // Size is an int: past a tensor's length it wrapped, and the array's allocation failed with an OverflowException.
            // A memory limit, reported as one (as Tensor does for a batch).
            if (size > Array.MaxLength)
                throw new InsufficientMemoryException(
                    $"{Format(dims)} is {Product(dims):N0} floats, more than one tensor holds ({Array.MaxLength:N0}).");
        }
        _dims = (int[])dims.Clone();
    }

    public ReadOnlySpan<int> Dims => _dims;
    public int Rank => _dims.Length;
    public int this[int axis] => _dims[axis];

    /// <summary>Number of floats in one sample.</summary>
    private static double Product(int[] dims) => dims.Aggregate(1.0, (p, d) => p * d);

    public int Size
    {
        get
        {
            int size = 1;
            foreach (int d in _dims) size *= d;
            return size;
        }
    }

    /// <summary>(C, H, W) accessors for image shapes; throws with a clear message otherwise.</summary>
    public (int Channels, int Height, int Width) AsImage() => Rank == 3
        ? (_dims[0], _dims[1], _dims[2])
        : throw new InvalidOperationException($"Expected an image shape (C, H, W). Received {this}.");

    public int[] ToArray() => (int[])_dims.Clone();

    public bool Equals(Shape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);
    public override bool Equals(object? obj) => Equals(obj as Shape);
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int d in _dims) hash.Add(d);
        return hash.ToHashCode();
    }

    /// <summary>Keras style, with the batch as None: "(None, 32, 28, 28)".</summary>
    public string ToBatchString() => "(None, " + string.Join(", ", _dims) + ")";
    public override string ToString() => Format(_dims);
    private static string Format(int[] dims) => "(" + string.Join(", ", dims) + ")";
}
