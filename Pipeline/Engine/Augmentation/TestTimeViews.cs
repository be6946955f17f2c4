using System.Globalization;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Augmentation;

/// <summary>One view of a test image: mirrored left–right if <paramref name="Flip"/>, then shifted as
/// <see cref="Augmenter.Shift"/> does (out[c, y, x] = in[c, y + Dy, x + Dx], zero outside).</summary>
public readonly record struct TestTimeView(bool Flip, int Dy, int Dx);

/// <summary>
/// Test-time augmentation: score several views of each image and average their logits (the class probabilities are
/// the softmax of the mean). The views are the training augmentation's own — the image and its mirror image if the
/// model trained on mirrored copies, times no shift and the four one-pixel shifts if it trained on crops — because only
/// a model trained on a kind of view is (nearly) invariant to it: on four `best` models averaging these ten views gained
/// 0.12–0.32 pt, on a model trained without crops the shifted views lost accuracy, on `fast` (no augmentation) the
/// mirror image cost 1.4 pt (docs/results.md, "Test-time augmentation").
/// </summary>
public sealed class TestTimeViews
{
    private TestTimeViews(IReadOnlyList<TestTimeView> views) => Views = views;

    public IReadOnlyList<TestTimeView> Views { get; }

    /// <summary>The views a model trained with <paramref name="augmentation"/> is invariant to; null when that is
    /// the image alone (no flips, no crops), so nothing changes.</summary>
    public static TestTimeViews? For(AugmentationOptions augmentation)
    {
        (int Dy, int Dx)[] shifts = augmentation.CropPadding > 0 ? [(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)] : [(0, 0)];
        bool[] flips = augmentation.HorizontalFlip ? [false, true] : [false];
        TestTimeView[] views = [.. flips.SelectMany(f => shifts.Select(s => new TestTimeView(f, s.Dy, s.Dx)))];
        return views.Length > 1 ? new TestTimeViews(views) : null;
    }

    // Invariant: the text is the ONNX model's test_time_augmentation metadata, and some cultures write −1 with U+2212.
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{Views.Count} views ({string.Join(", ", Views.Select(Describe))})");

    private static string Describe(TestTimeView v) =>
        (v.Flip ? "mirror" : "image")
            + (v.Dy == 0 && v.Dx == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" shifted ({v.Dy}, {v.Dx})"));

    /// <summary><paramref name="view"/> of <paramref name="count"/> images [count, C, H, W] into <paramref name="destination"/>.</summary>
    public static void Render(TestTimeView view, ReadOnlySpan<float> images, int count, Shape imageShape, Span<float> destination)
    {
        int size = imageShape.Size;
        var augmenter = new Augmenter(AugmentationOptions.None, imageShape);
        images.Slice(0, count * size).CopyTo(destination);
        for (int n = 0; n < count; n++)
        {
            Span<float> image = destination.Slice(n * size, size);
            if (view.Flip) augmenter.FlipHorizontal(image);
            augmenter.Shift(image, view.Dy, view.Dx);
        }
    }

    /// <summary>
    /// Eval-mode probabilities [count, classes] = softmax of the mean over the views of the model's logits. Allocates
    /// two buffers per call (this runs once per evaluation, not per training step).
    /// </summary>
    public void Predict(Sequential model, ReadOnlySpan<float> images, int count, Span<float> probabilities)
    {
        int classes = model.OutputShape.Size;
        float[] mean = new float[count * classes];
        PredictLogits(model, images, count, mean);
        for (int n = 0; n < count; n++) TensorPrimitives.SoftMax(mean.AsSpan(n * classes, classes), probabilities.Slice(n * classes,
            classes));
    }

    /// <summary>Eval-mode logits [count, classes]: the mean over the views of the model's logits (the exported graph's "logits").</summary>
    public void PredictLogits(Sequential model, ReadOnlySpan<float> images, int count, Span<float> logits)
    {
        int size = model.InputShape.Size, classes = model.OutputShape.Size;
        if (images.Length < count * size || logits.Length < count * classes)
            throw new ArgumentException($"TestTimeViews.Predict: expected {count * size} input and {count * classes} output floats. "
                + $"Received {images.Length} and {logits.Length}.");
        float[] view = new float[count * size], one = new float[count * classes], sum = new float[count * classes];
        foreach (TestTimeView v in Views)
        {
            Render(v, images, count, model.InputShape, view);
            model.PredictLogits(view, count, one);
            TensorPrimitives.Add(sum, one, sum);
        }
        TensorPrimitives.Multiply(sum, 1f / Views.Count, logits[..(count * classes)]);
    }
}
