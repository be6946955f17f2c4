namespace MlNetFashion.Scoring.Imaging;

/// <summary>
/// The backdrop's colour at every pixel, fitted to the image's border: per channel a plane
/// c(x, y) = c0 + cx·u + cy·v with u = x / (W − 1) − ½ and v = y / (H − 1) − ½, so a plain backdrop is a constant and
/// uneven light across it a slope. <see cref="Noise"/> is the median colour distance of the backdrop's border pixels
/// from the plane: how much the backdrop itself varies (sensor and JPEG noise, texture).
/// </summary>
public sealed record BackgroundModel(float[] Constant, float[] SlopeX, float[] SlopeY, float Noise)
{
    /// <summary>The border band's width as a fraction of the shorter side (at least one pixel).</summary>
    public const double BandFraction = 0.02;

    /// <summary>Below this share of opaque pixels in the band the backdrop is transparency, not a colour.</summary>
    public const double MinOpaqueShare = 0.2;

    /// <summary>The band's width in pixels for a width×height image.</summary>
    public static int BandWidth(int width, int height) => Math.Max(1, (int)Math.Round(BandFraction * Math.Min(width, height)));

    /// <summary>
    /// A cut-out whose median luminance is at least this is shown on black; any other on white, the backdrop product
    /// photos (and so Fashion-MNIST) have.
    /// </summary>
    public const float LightGarment = 192;

    /// <summary>A plain backdrop of one colour.</summary>
    public static BackgroundModel Plain(float r, float g, float b, float noise = 0) => new([r, g, b], [0, 0, 0], [0, 0, 0], noise);

    /// <summary>Channel <paramref name="channel"/> (0 R, 1 G, 2 B) of the backdrop at pixel (x, y) of a width×height image.</summary>
    public float At(int x, int y, int width, int height, int channel) =>
        Constant[channel] + SlopeX[channel] * U(x, width) + SlopeY[channel] * U(y, height);

    private static float U(int x, int size) => size > 1 ? (float)x / (size - 1) - 0.5f : 0;

    /// <summary>
    /// Estimates the backdrop from the border band: a least-squares plane per channel through the opaque band pixels,
    /// refitted three times on the pixels within 2.5 median distances of the last fit, so a garment that touches the
    /// border (a minority of the band) does not pull the fit. When the band is mostly transparent (a cut-out), the
    /// backdrop is white, as in the product photos Fashion-MNIST was made from, unless the garment itself is nearly white
    /// (median luminance ≥ <see cref="LightGarment"/>): then black, where it shows. Transparency is background.
    /// </summary>
    public static BackgroundModel Estimate(ColorImage image)
    {
        int band = BandWidth(image.Width, image.Height);
        var points = new List<(int X, int Y)>();
        int total = 0;
        for (int y = 0; y < image.Height; y++)
        {
            bool edgeRow = y < band || y >= image.Height - band;
            for (int x = 0; x < image.Width; x++)
            {
                if (!edgeRow && x == band) x = image.Width - band;   // skip the interior of the row
                total++;
                if (image[x, y, 3] >= 128) points.Add((x, y));
            }
        }
        if (points.Count < MinOpaqueShare * total) return ForCutOut(image);

        BackgroundModel model = Fit(image, points);
        for (int round = 0; round < 3; round++)
        {
            float[] distances = [.. points.Select(p => model.Distance(image, p.X, p.Y))];
            float limit = Math.Max(2.5f * Median(distances), 2f);
            var kept = points.Where((_, i) => distances[i] <= limit).ToList();
            if (kept.Count < 3 || kept.Count == points.Count) break;
            points = kept;
            model = Fit(image, points);
        }
        float noise = Median([.. points.Select(p => model.Distance(image, p.X, p.Y))]);
        return model with { Noise = noise };
    }

    /// <summary>
    /// The colour distance of pixel (x, y) from the backdrop, on the scale of one channel:
    /// √(((r − br)² + (g − bg)² + (b − bb)²) / 3), so a grey pixel's distance is its grey-level difference.
    /// </summary>
    public float Distance(ColorImage image, int x, int y)
    {
        double sum = 0;
        for (int c = 0; c < 3; c++)
        {
            double d = image[x, y, c] - At(x, y, image.Width, image.Height, c);
            sum += d * d;
        }
        return (float)Math.Sqrt(sum / 3);
    }

    private static BackgroundModel ForCutOut(ColorImage image)
    {
        var luminance = new List<float>();
        for (int i = 0; i < image.Rgba.Length; i += 4)
            if (image.Rgba[i + 3] >= 128) luminance.Add(0.299f * image.Rgba[i] + 0.587f * image.Rgba[i + 1] + 0.114f * image.Rgba[i + 2]);
        float level = luminance.Count > 0 && Median([.. luminance]) >= LightGarment ? 0 : 255;
        return Plain(level, level, level);
    }

    /// <summary>Least squares for c = c0 + cx·u + cy·v per channel over the points (normal equations, 3×3).</summary>
    private static BackgroundModel Fit(ColorImage image, List<(int X, int Y)> points)
    {
        var normal = new double[3, 3];
        var rhs = new double[3, 3];
        foreach (var (x, y) in points)
        {
            double[] basis = [1, U(x, image.Width), U(y, image.Height)];
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 3; j++) normal[i, j] += basis[i] * basis[j];
                for (int c = 0; c < 3; c++) rhs[c, i] += basis[i] * image[x, y, c];
            }
        }
        float[] constant = new float[3], slopeX = new float[3], slopeY = new float[3];
        for (int c = 0; c < 3; c++)
        {
            double[]? solution = Solve3(normal, [rhs[c, 0], rhs[c, 1], rhs[c, 2]]);
            // A band with no spread in x or y (a one-pixel-wide image) cannot fix a slope: the mean is the backdrop.
            (constant[c], slopeX[c], slopeY[c]) = solution is null
                ? ((float)(rhs[c, 0] / normal[0, 0]), 0f, 0f)
                : ((float)solution[0], (float)solution[1], (float)solution[2]);
        }
        return new BackgroundModel(constant, slopeX, slopeY, 0);
    }

    /// <summary>Solves A·s = b by Cramer's rule; null when A is (nearly) singular.</summary>
    private static double[]? Solve3(double[,] a, double[] b)
    {
        double det = Det(a[0, 0], a[0, 1], a[0, 2], a[1, 0], a[1, 1], a[1, 2], a[2, 0], a[2, 1], a[2, 2]);
        if (Math.Abs(det) < 1e-9 * Math.Max(1, a[0, 0] * a[0, 0] * a[0, 0])) return null;
        return
        [
            Det(b[0], a[0, 1], a[0, 2], b[1], a[1, 1], a[1, 2], b[2], a[2, 1], a[2, 2]) / det,
            Det(a[0, 0], b[0], a[0, 2], a[1, 0], b[1], a[1, 2], a[2, 0], b[2], a[2, 2]) / det,
            Det(a[0, 0], a[0, 1], b[0], a[1, 0], a[1, 1], b[1], a[2, 0], a[2, 1], b[2]) / det,
        ];
    }

    private static double Det(double a, double b, double c, double d, double e, double f, double g, double h, double i) =>
        a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);

    private static float Median(float[] values)
    {
        if (values.Length == 0) return 0;
        Array.Sort(values);
        int mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
