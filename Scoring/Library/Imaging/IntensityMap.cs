namespace MlNetFashion.Scoring.Imaging;

/// <summary>A single-channel float image, row-major: a garment's intensity (0 = background) before it becomes bytes.</summary>
public sealed class IntensityMap
{
    public IntensityMap(int width, int height, float[] values)
    {
        if (values.Length != width * height) throw new ArgumentException($"expected {width * height} values, received {values.Length}");
        Width = width;
        Height = height;
        Values = values;
    }

    public int Width { get; }
    public int Height { get; }
    public float[] Values { get; }

    public float this[int x, int y] => Values[y * Width + x];

    public static IntensityMap From(GrayImage image) => new(image.Width, image.Height, [.. image.Pixels.Select(p => (float)p)]);

    public float Max() => Values.Length == 0 ? 0 : System.Numerics.Tensors.TensorPrimitives.Max(Values);

    /// <summary>The smallest box holding every value above <paramref name="threshold"/>; the whole map when none is.</summary>
    public (int X, int Y, int Width, int Height) BoundingBox(float threshold)
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

    /// <summary>Each value replaced by the mean of its 3×3 neighbourhood (clipped at the edges): isolated noise fades.</summary>
    public IntensityMap BoxBlur3()
    {
        // Separable: sums over three rows, then over three columns of those sums; counts likewise (1·1 at a corner).
        int w = Width, h = Height;
        var columnSums = new float[w * h];
        for (int y = 0; y < h; y++)
        {
            int from = Math.Max(0, y - 1), to = Math.Min(h - 1, y + 1);
            for (int x = 0; x < w; x++)
            {
                float sum = 0;
                for (int yy = from; yy <= to; yy++) sum += Values[yy * w + x];
                columnSums[y * w + x] = sum;
            }
        }
        var result = new float[w * h];
        for (int y = 0; y < h; y++)
        {
            int rows = Math.Min(h - 1, y + 1) - Math.Max(0, y - 1) + 1;
            for (int x = 0; x < w; x++)
            {
                int from = Math.Max(0, x - 1), to = Math.Min(w - 1, x + 1);
                float sum = 0;
                for (int xx = from; xx <= to; xx++) sum += columnSums[y * w + xx];
                result[y * w + x] = sum / (rows * (to - from + 1));
            }
        }
        return new IntensityMap(w, h, result);
    }

    /// <summary>
    /// Area-averaging resample of the box (x, y, w, h) into a size×size canvas, keeping the aspect ratio (the longer
    /// side fills <paramref name="fit"/> pixels), centred on 0. Area averaging is the antialiasing.
    /// </summary>
    public IntensityMap FitInto(int size, int fit, (int X, int Y, int W, int H) box)
    {
        double scale = (double)fit / Math.Max(box.W, box.H);
        int outW = Math.Max(1, (int)Math.Round(box.W * scale)), outH = Math.Max(1, (int)Math.Round(box.H * scale));
        int left = (size - outW) / 2, top = (size - outH) / 2;
        var result = new float[size * size];
        for (int oy = 0; oy < outH; oy++)
        {
            double y0 = box.Y + oy / scale, y1 = box.Y + (oy + 1) / scale;
            for (int ox = 0; ox < outW; ox++)
            {
                double x0 = box.X + ox / scale, x1 = box.X + (ox + 1) / scale;
                result[(top + oy) * size + left + ox] = (float)Area(x0, x1, y0, y1);
            }
        }
        return new IntensityMap(size, size, result);
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
