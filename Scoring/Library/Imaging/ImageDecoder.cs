using SkiaSharp;

namespace MlNetFashion.Scoring.Imaging;

/// <summary>
/// Encoded bytes → a <see cref="ColorImage"/> upright and at working resolution. The header is read first and an image
/// over <see cref="MaxPixels"/> refused before any pixel is decoded (a small file can claim huge dimensions). A JPEG is
/// decoded by the codec at 1/2, 1/4 or 1/8 scale when that still leaves <see cref="WorkingSize"/> pixels on the longer
/// side (a WebP straight at the working size; a JPEG over <see cref="LargeImagePixels"/> at the smallest scale leaving
/// <see cref="LargeImageMinSide"/>), so a 12 MP photo costs about 1 MB, not ~50; anything still larger is area-averaged
/// down to it. The EXIF orientation a phone writes (pixels stored sideways, a tag saying how to turn
/// them) is applied last.
/// </summary>
public static class ImageDecoder
{
    public const long MaxPixels = 50_000_000;

    /// <summary>
    /// For loops that decode many images at once: one at a time per core, however long the loop runs (the thread pool
    /// adds threads to a loop that waits on files), as a decode may hold ~200 MB (a 50-megapixel PNG).
    /// </summary>
    internal static ParallelOptions OnePerCore { get; } = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    /// <summary>The longer side the pipeline works at: the garment ends up 28 px, so 512 keeps 18× the detail it needs.</summary>
    public const int WorkingSize = 512;

    public static ColorImage Decode(ReadOnlySpan<byte> encoded, string name = "image")
    {
        using var data = SKData.CreateCopy(encoded);
        using SKCodec codec = SKCodec.Create(data)
            ?? throw new ImageRejectedException(EncodedImage.NotAnImage(encoded, name));
        SKImageInfo header = codec.Info;
        CheckHeader(header.Width, header.Height, name);
        SKSizeI size = DecodeSize(codec, header.Width, header.Height);
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        SKCodecResult result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
            throw new ImageRejectedException($"{name}: the image data is truncated or corrupt ({result})");
        ReadOnlySpan<byte> rgba = bitmap.GetPixelSpan();
        // At the working size already (the usual case): bytes to upright floats in one pass.
        return Math.Max(size.Width, size.Height) <= WorkingSize
            ? Orient(rgba, size.Width, size.Height, codec.EncodedOrigin)
            : Orient(Downsample(rgba, size.Width, size.Height, WorkingSize), codec.EncodedOrigin);
    }

    /// <summary>Refuses an image without pixels or over <see cref="MaxPixels"/>, from the header's dimensions alone.</summary>
    public static void CheckHeader(int width, int height, string name)
    {
        if (width <= 0 || height <= 0) throw new ImageRejectedException($"{name}: the image has no pixels");
        long pixels = (long)width * height;
        if (pixels > MaxPixels)
            throw new ImageRejectedException(
                $"{name}: expected at most {MaxPixels / 1_000_000} megapixels, "
                + $"received {width}×{height} ({pixels / 1e6:0.##} megapixels)");
    }

    /// <summary>
    /// Over this many pixels (phones take 12 MP), a JPEG is decoded at the codec's smallest n/8 scale whose longer side
    /// is still <see cref="LargeImageMinSide"/>: decoding dominates a large photo's cost (a 4032×3024 JPEG takes about
    /// twice as long at ¼, 1008×756, as at ⅛, 504×378), and ⅛ is then already about the working size.
    /// </summary>
    public const long LargeImagePixels = 4_000_000;

    /// <summary>The least longer side a large JPEG is decoded to: 9× the 28 px the garment ends up as.</summary>
    public const int LargeImageMinSide = 256;

    /// <summary>
    /// The smallest size the codec decodes to directly whose longer side is still at least <see cref="WorkingSize"/>
    /// (<see cref="LargeImageMinSide"/> for a JPEG over <see cref="LargeImagePixels"/>): JPEG at n/8 scales; WebP at any
    /// size, so the working size itself (libwebp averages as it scales). Other formats are decoded whole before
    /// <see cref="Downsample"/>: SkiaSharp's PNG, GIF and BMP codecs neither scale nor hand out rows (scanline decoding
    /// is unimplemented for PNG), so a 50-megapixel PNG briefly costs 4 bytes a pixel, ~200 MB.
    /// </summary>
    private static SKSizeI DecodeSize(SKCodec codec, int width, int height)
    {
        int longer = Math.Max(width, height);
        if (longer <= WorkingSize) return new SKSizeI(width, height);
        if (codec.EncodedFormat == SKEncodedImageFormat.Webp)
        {
            int k = (longer + WorkingSize - 1) / WorkingSize;
            return new SKSizeI((width + k - 1) / k, (height + k - 1) / k);
        }
        int least = (long)width * height > LargeImagePixels ? LargeImageMinSide : WorkingSize;
        SKSizeI best = new(width, height);
        foreach (float scale in (ReadOnlySpan<float>)[0.5f, 0.25f, 0.125f])
        {
            SKSizeI scaled = codec.GetScaledDimensions(scale);
            if (Math.Max(scaled.Width, scaled.Height) >= least && scaled.Width * (long)scaled.Height < best.Width * (long)best.Height)
                best = scaled;
        }
        return best;
    }

    /// <summary>
    /// Area-averages 8-bit RGBA down by the smallest whole factor k that brings the longer side to at most
    /// <paramref name="maxSide"/> (k = 1: a plain copy). Colour is averaged weighted by alpha, so a transparent pixel's
    /// arbitrary colour does not bleed into its neighbours: c = Σ a·c / Σ a, a = Σ a / n.
    /// </summary>
    public static ColorImage Downsample(ReadOnlySpan<byte> rgba, int width, int height, int maxSide)
    {
        int k = (Math.Max(width, height) + maxSide - 1) / maxSide;
        if (k <= 1) return ColorImage.FromRgba8(width, height, rgba);
        int outW = (width + k - 1) / k, outH = (height + k - 1) / k;
        var sums = new double[outW * 4];
        var counts = new int[outW];
        var result = new float[outW * outH * 4];
        for (int oy = 0; oy < outH; oy++)
        {
            Array.Clear(sums);
            Array.Clear(counts);
            for (int y = oy * k; y < Math.Min(height, (oy + 1) * k); y++)
            {
                ReadOnlySpan<byte> row = rgba.Slice(y * width * 4, width * 4);
                for (int o = 0; o < outW; o++)
                {
                    double r = sums[4 * o], g = sums[4 * o + 1], b = sums[4 * o + 2], sumA = sums[4 * o + 3];
                    int end = Math.Min(width, (o + 1) * k);
                    for (int x = o * k; x < end; x++)
                    {
                        double a = row[4 * x + 3];
                        r += a * row[4 * x];
                        g += a * row[4 * x + 1];
                        b += a * row[4 * x + 2];
                        sumA += a;
                    }
                    (sums[4 * o], sums[4 * o + 1], sums[4 * o + 2], sums[4 * o + 3]) = (r, g, b, sumA);
                    counts[o] += end - o * k;
                }
            }
            for (int o = 0; o < outW; o++)
            {
                double alpha = sums[4 * o + 3];
                int at = 4 * (oy * outW + o);
                for (int c = 0; c < 3; c++) result[at + c] = alpha > 0 ? (float)(sums[4 * o + c] / alpha) : 0;
                result[at + 3] = (float)(alpha / counts[o]);
            }
        }
        return new ColorImage(outW, outH, result);
    }

    /// <summary>
    /// Turns stored pixels upright as the EXIF orientation says (values 1–8 = TopLeft … LeftBottom). The upright image
    /// D takes, at (x, y), the stored pixel S(sx, sy) with (W, H the stored size):
    /// 1 (x, y) · 2 (W−1−x, y) · 3 (W−1−x, H−1−y) · 4 (x, H−1−y) ·
    /// 5 (y, x) · 6 (y, H−1−x) · 7 (W−1−y, H−1−x) · 8 (W−1−y, x);
    /// 5–8 swap width and height.
    /// </summary>
    public static ColorImage Orient(ColorImage stored, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or 0) return stored;
        var (outW, outH, first, stepX, stepY) = Mapping(stored.Width, stored.Height, origin);
        float[] source = stored.Rgba;
        var result = new float[source.Length];
        for (int y = 0; y < outH; y++)
        {
            int from = first + y * stepY, to = 4 * y * outW;
            for (int x = 0; x < outW; x++, from += stepX, to += 4)
                source.AsSpan(4 * from, 4).CopyTo(result.AsSpan(to, 4));
        }
        return new ColorImage(outW, outH, result);
    }

    /// <summary>8-bit RGBA as the codec wrote it, <paramref name="width"/>×<paramref name="height"/> stored, to an upright
    /// <see cref="ColorImage"/> (see <see cref="Orient(ColorImage, SKEncodedOrigin)"/>).</summary>
    public static ColorImage Orient(ReadOnlySpan<byte> rgba, int width, int height, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or 0) return ColorImage.FromRgba8(width, height, rgba);
        var (outW, outH, first, stepX, stepY) = Mapping(width, height, origin);
        var result = new float[4 * width * height];
        for (int y = 0; y < outH; y++)
        {
            int from = 4 * (first + y * stepY), to = 4 * y * outW;
            for (int x = 0; x < outW; x++, from += 4 * stepX, to += 4)
            {
                result[to] = rgba[from];
                result[to + 1] = rgba[from + 1];
                result[to + 2] = rgba[from + 2];
                result[to + 3] = rgba[from + 3];
            }
        }
        return new ColorImage(outW, outH, result);
    }

    /// <summary>
    /// The stored pixel index sy·W + sx that upright pixel (x, y) reads, as first + x·stepX + y·stepY (the table above:
    /// e.g. 6, (y, H−1−x): first (H−1)·W, stepX −W, stepY 1), and the upright size.
    /// </summary>
    private static (int Width, int Height, int First, int StepX, int StepY) Mapping(int w, int h, SKEncodedOrigin origin)
    {
        bool swap = origin >= SKEncodedOrigin.LeftTop;
        var (first, stepX, stepY) = origin switch
        {
            SKEncodedOrigin.TopRight => (w - 1, -1, w),
            SKEncodedOrigin.BottomRight => ((h - 1) * w + w - 1, -1, -w),
            SKEncodedOrigin.BottomLeft => ((h - 1) * w, 1, -w),
            SKEncodedOrigin.LeftTop => (0, w, 1),
            SKEncodedOrigin.RightTop => ((h - 1) * w, -w, 1),
            SKEncodedOrigin.RightBottom => ((h - 1) * w + w - 1, -w, -1),
            SKEncodedOrigin.LeftBottom => (w - 1, w, -1),
            _ => (0, 1, w),
        };
        return (swap ? h : w, swap ? w : h, first, stepX, stepY);
    }
}
