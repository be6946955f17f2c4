using System.Numerics;

namespace MlNetFashion.Scoring.Imaging;

/// <summary>A single-channel float image, row-major: a garment's intensity (0 = background) before it becomes bytes.</summary>
public sealed class IntensityMap(int width, int height, float[] values) : Raster(width, height, 1, values.Length, "values")
{
    public float[] Values { get; } = values;

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
        // Each sum is 0 + a + b (+ c) in that order, so the vectorised middle gives the scalar edges' floats.
        int w = Width, h = Height;
        var columnSums = new float[w * h];
        for (int y = 0; y < h; y++)
        {
            int from = Math.Max(0, y - 1), to = Math.Min(h - 1, y + 1);
            Span<float> sum = columnSums.AsSpan(y * w, w);
            for (int yy = from; yy <= to; yy++) AddTo(sum, Values.AsSpan(yy * w, w));
        }
        var result = new float[w * h];
        for (int y = 0; y < h; y++)
        {
            int rows = Math.Min(h - 1, y + 1) - Math.Max(0, y - 1) + 1;
            ReadOnlySpan<float> sums = columnSums.AsSpan(y * w, w);
            Span<float> blurred = result.AsSpan(y * w, w);
            blurred[0] = RowMean(sums, 0, rows);
            int x = 1;
            var count = new Vector<float>(rows * 3);
            for (; x + Vector<float>.Count <= w - 1; x += Vector<float>.Count)
            {
                Vector<float> sum = Vector<float>.Zero + new Vector<float>(sums[(x - 1)..]) + new Vector<float>(sums[x..])
                    + new Vector<float>(sums[(x + 1)..]);
                (sum / count).CopyTo(blurred[x..]);
            }
            for (; x < w; x++) blurred[x] = RowMean(sums, x, rows);
        }
        return new IntensityMap(w, h, result);
    }

    /// <summary>The mean of the column sums at x − 1, x, x + 1 (those inside the row) over <paramref name="rows"/> rows.</summary>
    private static float RowMean(ReadOnlySpan<float> sums, int x, int rows)
    {
        int from = Math.Max(0, x - 1), to = Math.Min(sums.Length - 1, x + 1);
        float sum = 0;
        for (int xx = from; xx <= to; xx++) sum += sums[xx];
        return sum / (rows * (to - from + 1));
    }

    /// <summary>sum[i] += values[i]: each column sum gains one row, in row order.</summary>
    private static void AddTo(Span<float> sum, ReadOnlySpan<float> values)
    {
        int i = 0;
        for (; i + Vector<float>.Count <= sum.Length; i += Vector<float>.Count)
            (new Vector<float>(sum[i..]) + new Vector<float>(values[i..])).CopyTo(sum[i..]);
        for (; i < sum.Length; i++) sum[i] += values[i];
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
