namespace MlNetFashion.Pipeline.Data;

/// <summary>One split of the data set in memory: n images of 28×28 bytes and n labels 0..9.</summary>
public sealed class FashionMnistSplit
{
    public const int Rows = 28, Columns = 28, ImageSize = Rows * Columns;

    public FashionMnistSplit(byte[] pixels, byte[] labels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if (pixels.Length != labels.Length * ImageSize)
            throw new ArgumentException($"expected {labels.Length} × {ImageSize} pixels for {labels.Length} labels, received " +
                $"{pixels.Length}");
        (Pixels, Labels) = (pixels, labels);
    }

    public byte[] Pixels { get; }
    public byte[] Labels { get; }
    public int Count => Labels.Length;

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * ImageSize, ImageSize);

    /// <summary>The rows at <paramref name="indices"/>, in that order (subsets, folds, validation splits).</summary>
    public FashionMnistSplit Select(IReadOnlyList<int> indices)
    {
        var pixels = new byte[indices.Count * ImageSize];
        var labels = new byte[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Image(indices[i]).CopyTo(pixels.AsSpan(i * ImageSize));
            labels[i] = Labels[indices[i]];
        }
        return new FashionMnistSplit(pixels, labels);
    }

    /// <summary>The first <paramref name="count"/> rows (or all when count is null or larger).</summary>
    public FashionMnistSplit Take(int? count) => count is null || count >= Count ? this : Select([.. Enumerable.Range(0, count.Value)]);

    /// <summary>Pixels / 255 as floats, [n, 784].</summary>
    public float[] ScaledPixels()
    {
        var result = new float[Pixels.Length];
        Scale(Pixels, result);
        return result;
    }

    /// <summary>scaled[i] = pixels[i] / 255 (SIMD; the same bits as the scalar division).</summary>
    public static void Scale(ReadOnlySpan<byte> pixels, Span<float> scaled)
    {
        System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<byte, float>(pixels, scaled);
        System.Numerics.Tensors.TensorPrimitives.Divide(scaled[..pixels.Length], 255f, scaled);
    }

    public int[] IntLabels() => [.. Labels.Select(l => (int)l)];
}
