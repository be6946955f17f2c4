using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Training;

/// <summary>Images as floats (pixels / 255), [Count, ...Shape] row-major, and their labels.</summary>
public sealed class LabeledImages
{
    public LabeledImages(float[] pixels, int[] labels, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if (pixels.Length != labels.Length * shape.Size)
            throw new ArgumentException($"images: expected {labels.Length} × {shape.Size} = {labels.Length * shape.Size} floats for " +
                $"{labels.Length} labels. Received {pixels.Length}.");
        (Pixels, Labels, Shape) = (pixels, labels, shape);
    }

    public float[] Pixels { get; }
    public int[] Labels { get; }
    public Shape Shape { get; }
    public int Count => Labels.Length;
    public ReadOnlySpan<float> Image(int index) => Pixels.AsSpan(index * Shape.Size, Shape.Size);
}
