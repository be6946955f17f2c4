using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Benchmarks.Tests.Robustness.Reference;

// The preprocessing as of commit 7a92752 (what the robustness table was measured with), kept verbatim but renamed: the
// reference that the library's faster stages must match bit for bit (PreprocessingEquivalenceTests).
/// <summary>
/// The backdrop's colour at every pixel, fitted to the image's border: per channel a quadratic surface
/// c(x, y) = c0 + cx·u + cy·v + cuu·u² + cvv·v² + cuv·u·v with u = x / (W − 1) − ½ and v = y / (H − 1) − ½, so a plain
/// backdrop is a constant, light falling across it a slope, and a vignette or a lamp's falloff the curvature
/// (<see cref="Curvature"/>); the four edges of the border determine all six terms. <see cref="Noise"/> is the median
/// colour distance of the backdrop's border pixels from the surface: how much the backdrop itself varies (sensor and
/// JPEG noise, texture).
/// </summary>
public sealed record ReferenceBackgroundModel(float[] Constant, float[] SlopeX, float[] SlopeY, float Noise)
{
    /// <summary>Per channel c the terms at 3c + 0 (u²), 3c + 1 (v²) and 3c + 2 (u·v); all 0 for a plane.</summary>
    public float[] Curvature { get; init; } = new float[9];

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
    public static ReferenceBackgroundModel Plain(float r, float g, float b, float noise = 0) => new([r, g, b], [0, 0, 0], [0, 0, 0], noise);

    /// <summary>Channel <paramref name="channel"/> (0 R, 1 G, 2 B) of the backdrop at pixel (x, y) of a width×height image.</summary>
    public float At(int x, int y, int width, int height, int channel) => At(U(x, width), U(y, height), channel);

    /// <summary>Channel <paramref name="channel"/> at the centred coordinates (u, v), each in [−½, ½].</summary>
    public float At(float u, float v, int channel) =>
        Constant[channel] + SlopeX[channel] * u + SlopeY[channel] * v
        + Curvature[3 * channel] * u * u + Curvature[3 * channel + 1] * v * v + Curvature[3 * channel + 2] * u * v;

    /// <summary>The centred coordinate of pixel x of <paramref name="size"/>: x / (size − 1) − ½ (0 for one pixel).</summary>
    public static float U(int x, int size) => size > 1 ? (float)x / (size - 1) - 0.5f : 0;

    /// <summary>
    /// Estimates the backdrop from the border band: a least-squares plane per channel through the opaque band pixels, or
    /// the curved surface when it fits markedly better (<see cref="CurvatureGain"/>), refitted three times on the pixels
    /// within 2.5 median distances of the last fit, so a garment that touches the border (a minority of the band) does
    /// not pull the fit. When the band is mostly transparent (a cut-out), the
    /// backdrop is white, as in the product photos Fashion-MNIST was made from, unless the garment itself is nearly white
    /// (median luminance ≥ <see cref="LightGarment"/>): then black, where it shows. Transparency is background.
    /// </summary>
    public static ReferenceBackgroundModel Estimate(ColorImage image)
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

        ReferenceBackgroundModel plane = RobustFit(image, points, terms: 3), curved = RobustFit(image, points, terms: 6);
        return curved.Noise <= CurvatureGain * plane.Noise ? curved : plane;
    }

    /// <summary>
    /// The curved surface is taken only when it brings the backdrop's noise (median distance) below this share of the
    /// plane's: a real falloff of light does by far, while on a flat backdrop the three extra terms would only fit the
    /// border's noise and extrapolate it into the middle.
    /// </summary>
    public const float CurvatureGain = 0.8f;

    /// <summary>A fit with the first <paramref name="terms"/> terms (3: the plane; 6: with curvature), refitted as above.</summary>
    private static ReferenceBackgroundModel RobustFit(ColorImage image, List<(int X, int Y)> points, int terms)
    {
        ReferenceBackgroundModel model = Fit(image, points, terms);
        for (int round = 0; round < 3; round++)
        {
            float[] distances = [.. points.Select(p => model.Distance(image, p.X, p.Y))];
            float limit = Math.Max(2.5f * Median(distances), 2f);
            var kept = points.Where((_, i) => distances[i] <= limit).ToList();
            if (kept.Count < 3 || kept.Count == points.Count) break;
            points = kept;
            model = Fit(image, points, terms);
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

    private static ReferenceBackgroundModel ForCutOut(ColorImage image)
    {
        var luminance = new List<float>();
        for (int i = 0; i < image.Rgba.Length; i += 4)
            if (image.Rgba[i + 3] >= 128) luminance.Add(0.299f * image.Rgba[i] + 0.587f * image.Rgba[i + 1] + 0.114f * image.Rgba[i + 2]);
        float level = luminance.Count > 0 && Median([.. luminance]) >= LightGarment ? 0 : 255;
        return Plain(level, level, level);
    }

    /// <summary>
    /// Least squares for up to six terms per channel over the points (normal equations). When the points cannot fix
    /// them all (a band one pixel wide, a tiny image), fewer: the plane, then the mean.
    /// </summary>
    private static ReferenceBackgroundModel Fit(ColorImage image, List<(int X, int Y)> points, int maxTerms)
    {
        foreach (int terms in new[] { 6, 3, 1 }.Where(t => t <= maxTerms))
        {
            var normal = new double[terms, terms];
            var rhs = new double[3, terms];
            var basis = new double[terms];
            foreach (var (x, y) in points)
            {
                double u = U(x, image.Width), v = U(y, image.Height);
                double[] all = [1, u, v, u * u, v * v, u * v];
                Array.Copy(all, basis, terms);
                for (int i = 0; i < terms; i++)
                {
                    for (int j = 0; j < terms; j++) normal[i, j] += basis[i] * basis[j];
                    for (int c = 0; c < 3; c++) rhs[c, i] += basis[i] * image[x, y, c];
                }
            }
            var solutions = new double[3][];
            bool solved = true;
            for (int c = 0; c < 3 && solved; c++)
            {
                double[]? solution = Solve(normal, [.. Enumerable.Range(0, terms).Select(i => rhs[c, i])]);
                if (solution is null) solved = false;
                else solutions[c] = [.. solution, .. new double[6 - terms]];
            }
            if (!solved) continue;
            float Term(int c, int i) => (float)solutions[c][i];
            return new ReferenceBackgroundModel([Term(0, 0), Term(1, 0), Term(2, 0)], [Term(0, 1), Term(1, 1), Term(2, 1)],
                [Term(0, 2), Term(1, 2), Term(2, 2)], 0)
            {
                Curvature = [.. Enumerable.Range(0, 3).SelectMany(c => new[] { Term(c, 3), Term(c, 4), Term(c, 5) })],
            };
        }
        throw new InvalidOperationException("no border pixels to fit");
    }

    /// <summary>Solves A·s = b by Gaussian elimination with partial pivoting; null when A is (nearly) singular.</summary>
    private static double[]? Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = (double[,])a.Clone();
        var s = (double[])b.Clone();
        double scale = Math.Max(1, Math.Abs(a[0, 0]));
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int row = col + 1; row < n; row++) if (Math.Abs(m[row, col]) > Math.Abs(m[pivot, col])) pivot = row;
            if (Math.Abs(m[pivot, col]) < 1e-9 * scale) return null;
            for (int j = 0; j < n; j++) (m[col, j], m[pivot, j]) = (m[pivot, j], m[col, j]);
            (s[col], s[pivot]) = (s[pivot], s[col]);
            for (int row = col + 1; row < n; row++)
            {
                double f = m[row, col] / m[col, col];
                for (int j = col; j < n; j++) m[row, j] -= f * m[col, j];
                s[row] -= f * s[col];
            }
        }
        for (int row = n - 1; row >= 0; row--)
        {
            double sum = s[row];
            for (int j = row + 1; j < n; j++) sum -= m[row, j] * s[j];
            s[row] = sum / m[row, row];
        }
        return s;
    }

    private static float Median(float[] values)
    {
        if (values.Length == 0) return 0;
        Array.Sort(values);
        int mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
