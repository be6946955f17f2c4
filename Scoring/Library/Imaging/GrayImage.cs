namespace MlNetFashion.Scoring.Imaging;

/// <summary>An 8-bit grayscale image, row-major, and the few operations preprocessing needs.</summary>
public sealed class GrayImage(int width, int height, byte[] pixels)
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public byte[] Pixels { get; } = pixels.Length == width * height ? pixels : throw new ArgumentException($"expected {width * height} pixels, received {pixels.Length}");

    public byte this[int x, int y] => Pixels[y * Width + x];

    /// <summary>
    /// Set by <see cref="ImagePreprocessor"/> on its result: false when the image it came from had no foreground at all
    /// (<see cref="Foreground.HasSourceForeground"/>: blank or uniform), which the 28×28 result cannot show once a
    /// uniform non-square image has been fitted onto the black canvas as a gray rectangle.
    /// </summary>
    public bool SourceHasForeground { get; init; } = true;

    /// <summary>Mean of the outermost ring of pixels: light (&gt; 127) means dark garment on a light background.</summary>
    public double BorderMean()
    {
        long sum = 0;
        int count = 0;
        for (int x = 0; x < Width; x++) { sum += this[x, 0] + this[x, Height - 1]; count += 2; }
        for (int y = 1; y < Height - 1; y++) { sum += this[0, y] + this[Width - 1, y]; count += 2; }
        return (double)sum / count;
    }

    public GrayImage Inverted() => new(Width, Height, [.. Pixels.Select(p => (byte)(255 - p))]);

    /// <summary>The smallest box holding every pixel brighter than <paramref name="threshold"/>; the whole image when none is.</summary>
    public (int X, int Y, int Width, int Height) BoundingBox(byte threshold)
    {
        int minX = Width, minY = Height, maxX = -1, maxY = -1;
        for (int y = 0; y < Height; y++)
        for (int x = 0; x < Width; x++)
        {
            if (this[x, y] <= threshold) continue;
            minX = Math.Min(minX, x); maxX = Math.Max(maxX, x);
            minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
        }
        return maxX < 0 ? (0, 0, Width, Height) : (minX, minY, maxX - minX + 1, maxY - minY + 1);
    }

    /// <summary>
    /// Area-averaging resample of the box (x, y, w, h) into a size×size canvas, keeping the aspect ratio (the longer
    /// side fills <paramref name="fit"/> pixels), centred on black. Area averaging is the antialiasing.
    /// </summary>
    public GrayImage FitInto(int size, int fit, (int X, int Y, int W, int H) box)
    {
        double scale = (double)fit / Math.Max(box.W, box.H);
        int outW = Math.Max(1, (int)Math.Round(box.W * scale)), outH = Math.Max(1, (int)Math.Round(box.H * scale));
        int left = (size - outW) / 2, top = (size - outH) / 2;
        var result = new byte[size * size];
        for (int oy = 0; oy < outH; oy++)
        {
            double y0 = box.Y + oy / scale, y1 = box.Y + (oy + 1) / scale;
            for (int ox = 0; ox < outW; ox++)
            {
                double x0 = box.X + ox / scale, x1 = box.X + (ox + 1) / scale;
                result[(top + oy) * size + left + ox] = (byte)Math.Round(Math.Clamp(Area(x0, x1, y0, y1), 0, 255));
            }
        }
        return new GrayImage(size, size, result);
    }

    /// <summary>Mean over the source rectangle [x0, x1) × [y0, y1), weighting partly covered pixels by coverage.</summary>
    private double Area(double x0, double x1, double y0, double y1)
    {
        double sum = 0, weight = 0;
        for (int y = (int)Math.Floor(y0); y < Math.Min(Height, (int)Math.Ceiling(y1)); y++)
        {
            double wy = Math.Min(y + 1, y1) - Math.Max(y, y0);
            for (int x = (int)Math.Floor(x0); x < Math.Min(Width, (int)Math.Ceiling(x1)); x++)
            {
                double w = wy * (Math.Min(x + 1, x1) - Math.Max(x, x0));
                sum += w * this[x, y];
                weight += w;
            }
        }
        return weight > 0 ? sum / weight : 0;
    }
}
