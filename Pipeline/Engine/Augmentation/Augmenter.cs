using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Augmentation;

/// <summary>What to do to each training image, drawn per image from the run's RNG.</summary>
public sealed record AugmentationOptions(int CropPadding = 0, bool HorizontalFlip = false, float ErasingProbability = 0f)
{
    public static AugmentationOptions None { get; } = new();
    public bool IsEnabled => CropPadding > 0 || HorizontalFlip || ErasingProbability > 0;
    public override string ToString() => IsEnabled
        ? string.Join(" + ", new[]
            {
                CropPadding > 0 ? $"crop(pad {CropPadding})" : null,
                HorizontalFlip ? "flip" : null,
                ErasingProbability > 0 ? $"erase(p {ErasingProbability})" : null
            }.Where(s => s is not null))
        : "none";
}

/// <summary>
/// On-the-fly augmentation of a batch [N, C, H, W] in place: random crop after zero padding (a shift by up to ±pad),
/// horizontal flip with probability ½, random erasing (a rectangle of 2–20 % of the area, aspect 0.3–3.3, set to 0).
/// One scratch plane is allocated at construction; nothing per batch.
/// </summary>
public sealed class Augmenter(AugmentationOptions options, Shape imageShape)
{
    private readonly float[] _scratch = new float[imageShape.Size];
    private readonly (int C, int H, int W) _shape = imageShape.AsImage();

    public AugmentationOptions Options { get; } = options;

    public void Apply(Tensor batch, EngineRandom random)
    {
        if (!Options.IsEnabled) return;
        for (int n = 0; n < batch.BatchSize; n++)
        {
            Span<float> image = batch.Sample(n);
            if (Options.CropPadding > 0)
            {
                int range = 2 * Options.CropPadding + 1;
                Shift(image, random.Next(range) - Options.CropPadding, random.Next(range) - Options.CropPadding);
            }
            if (Options.HorizontalFlip && random.Next(2) == 1) FlipHorizontal(image);
            if (Options.ErasingProbability > 0 && random.NextSingle() < Options.ErasingProbability) Erase(image, random);
        }
    }

    /// <summary>out[c, y, x] = in[c, y + dy, x + dx], zero outside (the crop of a zero-padded image).</summary>
    public void Shift(Span<float> image, int dy, int dx)
    {
        if (dx == 0 && dy == 0) return;
        (int channels, int h, int w) = _shape;
        Span<float> source = _scratch;
        image.CopyTo(source);
        image.Clear();
        int x0 = Math.Max(0, -dx), x1 = Math.Min(w, w - dx);
        for (int c = 0; c < channels; c++)
            for (int y = Math.Max(0, -dy); y < Math.Min(h, h - dy); y++)
            {
                source.Slice((c * h + y + dy) * w + x0 + dx, x1 - x0).CopyTo(image.Slice((c * h + y) * w + x0, x1 - x0));
            }
    }

    public void FlipHorizontal(Span<float> image)
    {
        (int channels, int h, int w) = _shape;
        for (int row = 0; row < channels * h; row++) image.Slice(row * w, w).Reverse();
    }

    private void Erase(Span<float> image, EngineRandom random)
    {
        (int channels, int h, int w) = _shape;
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double area = h * w * (0.02 + random.NextDouble() * 0.18);
            double aspect = Math.Exp(Math.Log(0.3) + random.NextDouble() * (Math.Log(3.3) - Math.Log(0.3)));
            int eh = (int)Math.Round(Math.Sqrt(area * aspect)), ew = (int)Math.Round(Math.Sqrt(area / aspect));
            if (eh < 1 || ew < 1 || eh >= h || ew >= w) continue;
            int top = random.Next(h - eh + 1), left = random.Next(w - ew + 1);
            for (int c = 0; c < channels; c++)
                for (int y = top; y < top + eh; y++) image.Slice((c * h + y) * w + left, ew).Clear();
            return;
        }
    }
}
