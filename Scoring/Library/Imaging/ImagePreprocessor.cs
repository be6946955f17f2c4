using SkiaSharp;

namespace MlNetFashion.Scoring.Imaging;

/// <summary>
/// Turns a user's photo into what the model was trained on: 28×28 grayscale, a light garment on black. The steps follow
/// the conversion that made Fashion-MNIST from product photos (Xiao, Rasul &amp; Vollgraf 2017, §2: trim the edges
/// close to the corner colour, fit the longer edge to 28, centre, negate, 8-bit gray), with negation generalised from a
/// white backdrop to any plain one:
/// <list type="number">
/// <item><see cref="ImageDecoder.Decode"/>: header check (≤ 50 megapixels), decode at working resolution, EXIF orientation.</item>
/// <item><see cref="BackgroundModel.Estimate"/>: the backdrop's colour from the border (a quadratic surface per channel,
/// for uneven light).</item>
/// <item><see cref="Difference"/>: each channel's signed difference from the backdrop, alpha-weighted (transparent =
/// backdrop); its <see cref="Magnitude"/> is the colour distance.</item>
/// <item><see cref="CropThreshold"/>: how far is "not backdrop", from the garment's contrast and the backdrop's
/// blotches (on the distances smoothed over 3×3 pixels).</item>
/// <item><see cref="GarmentBox"/>: crop to the pixels above it (isolated noise smoothed away first).</item>
/// <item><see cref="IntensityMap.FitInto"/>: each channel's difference in the box, its longer edge to 28 px by area
/// averaging, centred on 28×28; then the <see cref="Magnitude"/>. Averaging before the distance lets noise cancel.</item>
/// <item><see cref="Denoise"/>: subtract <see cref="DenoiseThreshold"/> (the backdrop's noise at that scale, see
/// <see cref="NoiseAtScale"/>) from every value.</item>
/// <item><see cref="Stretch"/>: the brightest value to 255, as in every Fashion-MNIST image.</item>
/// </list>
/// A 28×28 opaque grayscale image with a dark border (mean ≤ 127) is taken to be in the data set's form already and
/// passes through untouched, bit for bit; a smaller one is a data set's image at a lower resolution
/// (<see cref="FromSmallDataSetImage"/>).
/// </summary>
public static class ImagePreprocessor
{
    public const int Size = 28;

    /// <summary>Fashion-MNIST's garments fill the frame: the longer side of the bounding box becomes 28 px.</summary>
    public const int FitPixels = 28;

    /// <summary>Xiao et al. trim edges within 5 % of the maximum distance from the corner colour.</summary>
    public const float CropFraction = 0.05f;

    /// <summary>The share of the garment's contrast taken off every value as noise.</summary>
    public const float DenoiseFraction = 0.03f;

    /// <summary>The crop threshold over the backdrop's blotches (see <see cref="CropThreshold"/>).</summary>
    public const float CropBandFactor = 1.2f;

    /// <summary>
    /// The denoise threshold in units of the backdrop's median noise distance at the 28×28 scale: for Gaussian noise in
    /// three channels the distance follows a Maxwell law (median ≈ 1.54 σ), and twice its median, ≈ 3 σ, leaves
    /// under 1 % of the backdrop's pixels above 0.
    /// </summary>
    public const float DenoiseNoiseFactor = 2f;

    public static GrayImage Preprocess(ReadOnlySpan<byte> encoded, string name = "image") => Normalize(ImageDecoder.Decode(encoded, name));

    /// <summary>
    /// Steps 2–8 on an upright decoded image. The result's <see cref="GrayImage.SourceHasForeground"/> says whether the
    /// image as given stood out from its backdrop at all (a blank or uniform image does not, see <see cref="Foreground"/>).
    /// </summary>
    public static GrayImage Normalize(ColorImage image)
    {
        if (AsDataSetImage(image) is { } plain)
            return new GrayImage(Size, Size, plain.Pixels) { SourceHasForeground = Foreground.HasSourceForeground(plain) };
        if (FromSmallDataSetImage(image) is { } small) return small;
        BackgroundModel background = BackgroundModel.Estimate(image);
        IntensityMap[] difference = Difference(image, background);
        IntensityMap distance = Magnitude(difference);
        IntensityMap smoothed = distance.BoxBlur3();
        float crop = CropThreshold(smoothed);
        var box = GarmentBox(distance, smoothed, crop);
        IntensityMap fitted = Magnitude([.. difference.Select(d => d.FitInto(Size, FitPixels, box))]);
        float noise = NoiseAtScale(difference, box, BlockSide(box));
        IntensityMap denoised = Denoise(fitted, DenoiseThreshold(fitted.Max(), noise));
        return new GrayImage(Size, Size, Stretch(denoised).Pixels) { SourceHasForeground = Foreground.HasSourceForeground(distance) };
    }

    /// <summary>The same steps from a decoded grayscale image (an opaque gray <see cref="ColorImage"/>).</summary>
    public static GrayImage Normalize(GrayImage gray)
    {
        ArgumentNullException.ThrowIfNull(gray);
        var rgba = new byte[4 * gray.Pixels.Length];
        for (int i = 0; i < gray.Pixels.Length; i++)
        {
            rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = gray.Pixels[i];
            rgba[4 * i + 3] = 255;
        }
        return Normalize(ColorImage.FromRgba8(gray.Width, gray.Height, rgba));
    }

    /// <summary>The image itself as 28×28 gray when it is one already, light on a dark border; otherwise null.</summary>
    public static GrayImage? AsDataSetImage(ColorImage image)
    {
        if (image.Width != Size || image.Height != Size || !image.IsOpaqueGray()) return null;
        var pixels = new byte[Size * Size];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)image.Rgba[4 * i];
        var gray = new GrayImage(Size, Size, pixels);
        return gray.BorderMean() <= 127 ? gray : null;
    }

    /// <summary>
    /// An opaque gray image smaller than 28×28 with a dark border (mean ≤ 127): a data set's own image at a lower
    /// resolution (scikit-learn's 8×8 digits, 16×16 USPS digits), light on black already. Its border is too few pixels,
    /// most of them strokes, to model a backdrop from, so only Xiao et al.'s trim (values over 5 % of the brightest),
    /// the fit to 28 and the stretch apply. Otherwise null.
    /// </summary>
    public static GrayImage? FromSmallDataSetImage(ColorImage image)
    {
        if (image.Width > Size || image.Height > Size || (image.Width == Size && image.Height == Size) || !image.IsOpaqueGray())
            return null;
        var pixels = new byte[image.Width * image.Height];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)image.Rgba[4 * i];
        var gray = new GrayImage(image.Width, image.Height, pixels);
        if (gray.BorderMean() > 127) return null;
        IntensityMap map = IntensityMap.From(gray);
        var box = map.BoundingBox(CropFraction * map.Max());
        return new GrayImage(Size, Size, Stretch(map.FitInto(Size, FitPixels, box)).Pixels)
        {
            SourceHasForeground = Foreground.HasSourceForeground(gray),
        };
    }

    /// <summary>
    /// Each pixel's colour distance from the backdrop (<see cref="BackgroundModel.Distance"/>) times its alpha / 255:
    /// the distance of the pixel composited onto the backdrop, so a transparent pixel is backdrop (0).
    /// </summary>
    public static IntensityMap Distance(ColorImage image, BackgroundModel background) => Magnitude(Difference(image, background));

    /// <summary>
    /// Per channel (R, G, B) the signed difference from the backdrop times alpha / 255, (c − b(x, y)) · α / 255: the
    /// pixel composited onto the backdrop, minus the backdrop. Signed, so noise averages out when it is resampled.
    /// </summary>
    public static IntensityMap[] Difference(ColorImage image, BackgroundModel background)
    {
        ArgumentNullException.ThrowIfNull(background);
        int w = image.Width, h = image.Height;
        var red = new float[w * h];
        var green = new float[w * h];
        var blue = new float[w * h];
        // BackgroundModel.At term by term in its order, c0 + cx·u + cy·v + cuu·u·u + cvv·v·v + cuv·u·v, with the terms of
        // u alone computed once per column and those of v once per row: the same floats in ~5 operations.
        var linear = new float[3 * w];
        var square = new float[3 * w];
        var cross = new float[3 * w];
        for (int c = 0; c < 3; c++)
            for (int x = 0; x < w; x++)
            {
                float u = BackgroundModel.U(x, w);
                linear[c * w + x] = background.Constant[c] + background.SlopeX[c] * u;
                square[c * w + x] = background.Curvature[3 * c] * u * u;
                cross[c * w + x] = background.Curvature[3 * c + 2] * u;
            }
        var backdrop = new float[3 * w];
        for (int y = 0; y < h; y++)
        {
            float v = BackgroundModel.U(y, h);
            for (int c = 0; c < 3; c++)
            {
                float yv = background.SlopeY[c] * v, vv = background.Curvature[3 * c + 1] * v * v;
                Span<float> row = backdrop.AsSpan(c * w, w);
                ReadOnlySpan<float> l = linear.AsSpan(c * w, w), q = square.AsSpan(c * w, w), k = cross.AsSpan(c * w, w);
                for (int x = 0; x < row.Length; x++) row[x] = l[x] + yv + q[x] + vv + k[x] * v;
            }
            ReadOnlySpan<float> pixels = image.Rgba.AsSpan(4 * y * w, 4 * w);
            ReadOnlySpan<float> br = backdrop.AsSpan(0, w), bg = backdrop.AsSpan(w, w), bb = backdrop.AsSpan(2 * w, w);
            Span<float> r = red.AsSpan(y * w, w), g = green.AsSpan(y * w, w), b = blue.AsSpan(y * w, w);
            for (int x = 0; x < r.Length; x++)
            {
                float alpha = pixels[4 * x + 3] / 255f;
                r[x] = alpha * (pixels[4 * x] - br[x]);
                g[x] = alpha * (pixels[4 * x + 1] - bg[x]);
                b[x] = alpha * (pixels[4 * x + 2] - bb[x]);
            }
        }
        return [new IntensityMap(w, h, red), new IntensityMap(w, h, green), new IntensityMap(w, h, blue)];
    }

    /// <summary>√((r² + g² + b²) / 3) of three difference maps: a colour distance on the scale of one channel.</summary>
    public static IntensityMap Magnitude(IReadOnlyList<IntensityMap> difference)
    {
        float[] r = difference[0].Values, g = difference[1].Values, b = difference[2].Values;
        var values = new float[r.Length];
        for (int i = 0; i < values.Length; i++) values[i] = MathF.Sqrt((r[i] * r[i] + g[i] * g[i] + b[i] * b[i]) / 3);
        return new IntensityMap(difference[0].Width, difference[0].Height, values);
    }

    /// <summary>
    /// The crop threshold from the 3×3-smoothed distances: the larger of 5 % of the largest one (the garment's contrast,
    /// Xiao et al.'s trim) and 1.2 × the 90th percentile of those in the border band (the backdrop's own blotches:
    /// noise that JPEG turned into 8×8 blocks).
    /// </summary>
    public static float CropThreshold(IntensityMap smoothed) =>
        Math.Max(CropFraction * smoothed.Max(), CropBandFactor * BandPercentile(smoothed, 0.9));

    /// <summary>
    /// The denoise threshold on the 28×28 distances: the larger of 3 % of the garment's contrast there and
    /// <see cref="DenoiseNoiseFactor"/> × the backdrop's median noise at that scale (<see cref="NoiseAtScale"/>).
    /// </summary>
    public static float DenoiseThreshold(float contrast, float noise) => Math.Max(DenoiseFraction * contrast, DenoiseNoiseFactor * noise);

    /// <summary>The side of the source block that becomes one of the 28×28 pixels: the box's longer side / 28, at least 1.</summary>
    public static int BlockSide((int X, int Y, int Width, int Height) box) =>
        Math.Max(1, (int)Math.Round((double)Math.Max(box.Width, box.Height) / FitPixels));

    /// <summary>
    /// The backdrop's noise as the 28×28 image sees it: the median distance of the mean difference over side×side
    /// blocks that lie wholly outside the garment's box (the mean is taken before the distance, as in the resampled
    /// image, so independent noise shrinks by the block's side and JPEG's correlated noise by less). 0 when no block
    /// fits outside the box (a garment that fills the frame: the contrast term of the threshold decides).
    /// </summary>
    public static float NoiseAtScale(IReadOnlyList<IntensityMap> difference, (int X, int Y, int Width, int Height) box, int side)
    {
        int w = difference[0].Width, h = difference[0].Height;
        var distances = new List<float>();
        for (int top = 0; top + side <= h; top += side)
            for (int left = 0; left + side <= w; left += side)
            {
                bool overlaps = left < box.X + box.Width && left + side > box.X && top < box.Y + box.Height && top + side > box.Y;
                if (overlaps) continue;
                double sum2 = 0;
                foreach (IntensityMap channel in difference)
                {
                    double sum = 0;
                    for (int y = top; y < top + side; y++)
                        for (int x = left; x < left + side; x++) sum += channel[x, y];
                    double mean = sum / (side * side);
                    sum2 += mean * mean;
                }
                distances.Add((float)Math.Sqrt(sum2 / 3));
            }
        if (distances.Count == 0) return 0;
        distances.Sort();
        return distances[distances.Count / 2];
    }

    /// <summary>The given percentile of the values in the border band (<see cref="BackgroundModel.BandFraction"/>).</summary>
    private static float BandPercentile(IntensityMap map, double percentile)
    {
        int band = BackgroundModel.BandWidth(map.Width, map.Height);
        var values = new float[BandPixels.Size(map.Width, map.Height, band)];
        int count = 0;
        for (int y = 0; y < map.Height; y++)
        {
            bool edgeRow = y < band || y >= map.Height - band;
            for (int x = 0; x < map.Width; x++)
                if (edgeRow || x < band || x >= map.Width - band) values[count++] = map[x, y];
        }
        return OrderStatistics.Select(values.AsSpan(0, count), (int)Math.Min(count - 1, Math.Round(percentile * (count - 1))));
    }

    /// <summary>
    /// The bounding box of the garment: the pixels whose distance and whose 3×3 mean distance (<paramref name="smoothed"/>)
    /// both exceed <paramref name="threshold"/> (a lone noisy pixel does not count, nor does the mean spread the
    /// garment's edge outward), grouped into 8-connected regions, of which those of at least
    /// <see cref="MinRegionShare"/> of the largest region's pixels count: a garment is one large region (or a few, a
    /// sandal's straps), while noise that survives the threshold forms specks scattered over the backdrop. The whole
    /// image when no pixel exceeds it.
    /// </summary>
    public static (int X, int Y, int Width, int Height) GarmentBox(IntensityMap distance, IntensityMap smoothed, float threshold)
    {
        int w = distance.Width, h = distance.Height, stride = w + 2;
        // The mask with a one-pixel frame of 0 around it, so the flood fill needs no bounds checks: 1 = above the
        // threshold and not yet reached.
        var open = new byte[stride * (h + 2)];
        float[] d = distance.Values, s = smoothed.Values;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if (d[y * w + x] > threshold && s[y * w + x] > threshold) open[(y + 1) * stride + x + 1] = 1;
        ReadOnlySpan<int> neighbours = [-stride - 1, -stride, -stride + 1, -1, 1, stride - 1, stride, stride + 1];
        var regions = new List<(int Size, int MinX, int MinY, int MaxX, int MaxY)>();
        var stack = new int[w * h];
        for (int start = stride + 1; start < open.Length - stride - 1; start++)
        {
            if (open[start] == 0) continue;
            int size = 0, minX = stride, minY = h + 2, maxX = -1, maxY = -1, depth = 0;
            open[start] = 0;
            stack[depth++] = start;
            while (depth > 0)
            {
                int i = stack[--depth], y = i / stride, x = i - y * stride;
                size++;
                (minX, maxX, minY, maxY) = (Math.Min(minX, x), Math.Max(maxX, x), Math.Min(minY, y), Math.Max(maxY, y));
                foreach (int step in neighbours)
                {
                    int n = i + step;
                    if (open[n] == 0) continue;
                    open[n] = 0;
                    stack[depth++] = n;
                }
            }
            // Framed coordinates are one more than the image's.
            regions.Add((size, minX - 1, minY - 1, maxX - 1, maxY - 1));
        }
        if (regions.Count == 0) return (0, 0, w, h);
        int largest = 0;
        foreach (var r in regions) largest = Math.Max(largest, r.Size);
        int left = w, top = h, right = -1, bottom = -1;
        foreach (var r in regions)
        {
            if (r.Size < MinRegionShare * largest) continue;
            (left, top, right, bottom) = (Math.Min(left, r.MinX), Math.Min(top, r.MinY), Math.Max(right, r.MaxX), Math.Max(bottom, r.MaxY));
        }
        return (left, top, right - left + 1, bottom - top + 1);
    }

    /// <summary>A region of the garment mask counts when it has at least this share of the largest region's pixels.</summary>
    public const double MinRegionShare = 0.01;

    /// <summary>max(0, v − threshold) for every value: the backdrop's noise to 0, the garment shifted by a few levels.</summary>
    public static IntensityMap Denoise(IntensityMap distance, float threshold)
    {
        var values = new float[distance.Values.Length];
        System.Numerics.Tensors.TensorPrimitives.Subtract(distance.Values, threshold, values);
        System.Numerics.Tensors.TensorPrimitives.Max(values, 0f, values);
        return new IntensityMap(distance.Width, distance.Height, values);
    }

    /// <summary>
    /// round(v · 255 / max v) as bytes: Fashion-MNIST's images all reach 254–255, so the brightest part of the garment
    /// becomes 255 whatever its contrast with the backdrop was. A map with nothing in it stays black.
    /// </summary>
    public static GrayImage Stretch(IntensityMap fitted)
    {
        float max = fitted.Max();
        float gain = max > 1e-3f ? 255f / max : 0;
        return new GrayImage(fitted.Width, fitted.Height, [.. fitted.Values.Select(v => (byte)Math.Round(Math.Clamp(v * gain, 0, 255)))]);
    }

    /// <summary>A grayscale PNG of a 28×28 input (what the model sees), for the web page and reports.</summary>
    public static byte[] EncodePng(GrayImage image)
    {
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        image.Pixels.CopyTo(bitmap.GetPixelSpan());
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
