using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Augmentation;

/// <summary>
/// What to do to each training image, drawn per image from the run's RNG; CutMix, drawn per batch, also mixes the labels
/// (<see cref="Augmenter.CutMix"/>).
/// </summary>
public sealed record AugmentationOptions(int CropPadding = 0, bool HorizontalFlip = false, float ErasingProbability = 0f,
    float CutMixProbability = 0f)
{
    public static AugmentationOptions None { get; } = new();
    public bool IsEnabled => CropPadding > 0 || HorizontalFlip || ErasingProbability > 0 || CutMixProbability > 0;
    public override string ToString() => IsEnabled
        ? string.Join(" + ", new[]
            {
                CropPadding > 0 ? $"crop(pad {CropPadding})" : null,
                HorizontalFlip ? "flip" : null,
                ErasingProbability > 0 ? $"erase(p {ErasingProbability})" : null,
                CutMixProbability > 0 ? $"cutmix(p {CutMixProbability})" : null,
            }.Where(s => s is not null))
        : "none";

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of range (NaN included).</summary>
    internal void Validate()
    {
        const string name = "Augmentation";
        if (CropPadding < 0) throw new ArgumentOutOfRangeException(name, CropPadding, "crop padding: expected 0 or more.");
        if (ErasingProbability is not (>= 0 and <= 1))
            throw new ArgumentOutOfRangeException(name, ErasingProbability, "erasing probability: expected a value in [0, 1].");
        if (CutMixProbability is not (>= 0 and <= 1))
            throw new ArgumentOutOfRangeException(name, CutMixProbability, "CutMix probability: expected a value in [0, 1].");
    }

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> when a crop's padding is not less than a side of
    /// <paramref name="imageShape"/> (C, H, W): every shift that far leaves nothing of the image.
    /// </summary>
    public void CheckFits(Shape imageShape)
    {
        (_, int h, int w) = imageShape.AsImage();
        if (CropPadding >= Math.Min(h, w))
            throw new ArgumentOutOfRangeException("Augmentation", CropPadding,
                $"crop padding: expected less than the image's side ({Math.Min(h, w)}).");
    }
}

/// <summary>
/// On-the-fly augmentation of a batch [N, C, H, W] in place: random crop after zero padding (a shift by up to ±pad),
/// horizontal flip with probability ½, random erasing (a rectangle of 2–20 % of the area, aspect 0.3–3.3, set to 0).
/// One scratch plane is allocated at construction, CutMix's box scratch at its first batch; nothing per batch after that.
/// </summary>
public sealed class Augmenter
{
    private readonly float[] _scratch;
    private readonly (int C, int H, int W) _shape;
    private float[] _boxes = [];

    public Augmenter(AugmentationOptions options, Shape imageShape)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.CheckFits(imageShape);
        Options = options;
        _scratch = new float[imageShape.Size];
        _shape = imageShape.AsImage();
    }

    public AugmentationOptions Options { get; }

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

    /// <summary>
    /// CutMix (Yun et al., 2019), with probability <see cref="AugmentationOptions.CutMixProbability"/> per batch: one box of
    /// (1 − λ₀) of the area, λ₀ ~ U(0, 1), centred anywhere and clipped to the image, is pasted into every image n from image
    /// (n + s) mod N of the same batch (s drawn in 1 … N − 1, so never from itself), and <paramref name="mixedLabels"/>[n]
    /// is that image's label. Returns λ, the share of each image left its own (1: the batch is unchanged); the targets are
    /// λ·t(label) + (1 − λ)·t(mixed label). Draws nothing from <paramref name="random"/> when CutMix is off.
    /// </summary>
    public float CutMix(Tensor batch, ReadOnlySpan<int> labels, Span<int> mixedLabels, EngineRandom random)
    {
        int n = batch.BatchSize;
        if (Options.CutMixProbability <= 0 || n < 2 || random.NextSingle() >= Options.CutMixProbability) return 1f;
        (int channels, int h, int w) = _shape;
        double cut = Math.Sqrt(1 - random.NextDouble());
        int cy = random.Next(h), cx = random.Next(w), shift = 1 + random.Next(n - 1);
        int bh = (int)Math.Round(h * cut), bw = (int)Math.Round(w * cut);
        int y0 = Math.Max(0, cy - bh / 2), y1 = Math.Min(h, cy + (bh + 1) / 2);
        int x0 = Math.Max(0, cx - bw / 2), x1 = Math.Min(w, cx + (bw + 1) / 2);
        if (y1 <= y0 || x1 <= x0) return 1f;
        int rows = y1 - y0, cols = x1 - x0, box = channels * rows * cols;
        if (_boxes.Length < n * box) _boxes = new float[batch.MaxBatchSize * channels * h * w];
        // Every box first, then every paste: image n's box is read before image n − s's paste overwrites it.
        for (int i = 0; i < n; i++) CopyBox(batch.Sample(i), _boxes.AsSpan(i * box, box), toImage: false);
        for (int i = 0; i < n; i++)
        {
            int partner = (i + shift) % n;
            CopyBox(batch.Sample(i), _boxes.AsSpan(partner * box, box), toImage: true);
            mixedLabels[i] = labels[partner];
        }
        return 1f - (float)(rows * cols) / (h * w);

        void CopyBox(Span<float> image, Span<float> boxValues, bool toImage)
        {
            for (int c = 0, k = 0; c < channels; c++)
                for (int y = y0; y < y1; y++, k += cols)
                {
                    Span<float> line = image.Slice((c * h + y) * w + x0, cols);
                    if (toImage) boxValues.Slice(k, cols).CopyTo(line);
                    else line.CopyTo(boxValues.Slice(k, cols));
                }
        }
    }

    /// <summary>out[c, y, x] = in[c, y + dy, x + dx], zero outside (the crop of a zero-padded image).</summary>
    public void Shift(Span<float> image, int dy, int dx)
    {
        if (dx == 0 && dy == 0) return;
        (int channels, int h, int w) = _shape;
        if (Math.Abs(dx) >= w || Math.Abs(dy) >= h)
        {
            image.Clear();   // shifted out whole
            return;
        }
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
