namespace MlNetFashion.Scoring.Imaging;

/// <summary>
/// The backdrop's colour at every pixel, fitted to the image's border: per channel a quadratic surface
/// c(x, y) = c0 + cx·u + cy·v + cuu·u² + cvv·v² + cuv·u·v with u = x / (W − 1) − ½ and v = y / (H − 1) − ½, so a plain
/// backdrop is a constant, light falling across it a slope, and a vignette or a lamp's falloff the curvature
/// (<see cref="Curvature"/>); the four edges of the border determine all six terms. <see cref="Noise"/> is the median
/// colour distance of the backdrop's border pixels from the surface: how much the backdrop itself varies (sensor and
/// JPEG noise, texture).
/// </summary>
public sealed record BackgroundModel(float[] Constant, float[] SlopeX, float[] SlopeY, float Noise)
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
    public static BackgroundModel Plain(float r, float g, float b, float noise = 0) => new([r, g, b], [0, 0, 0], [0, 0, 0], noise);

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
    public static BackgroundModel Estimate(ColorImage image)
    {
        BandPixels band = BandPixels.Gather(image, BandWidth(image.Width, image.Height));
        if (band.Count < MinOpaqueShare * band.Total) return ForCutOut(image);

        BackgroundModel plane = RobustFit(band, terms: 3), curved = RobustFit(band, terms: 6);
        return curved.Noise <= CurvatureGain * plane.Noise ? curved : plane;
    }

    /// <summary>
    /// The curved surface is taken only when it brings the backdrop's noise (median distance) below this share of the
    /// plane's: a real falloff of light does by far, while on a flat backdrop the three extra terms would only fit the
    /// border's noise and extrapolate it into the middle.
    /// </summary>
    public const float CurvatureGain = 0.8f;

    /// <summary>A fit with the first <paramref name="terms"/> terms (3: the plane; 6: with curvature), refitted as above.</summary>
    private static BackgroundModel RobustFit(BandPixels band, int terms)
    {
        int count = band.Count;
        BackgroundModel model = Fit(band, count, terms);
        var distances = new float[count];
        var scratch = new float[count];
        bool current = false;
        for (int round = 0; round < 3; round++)
        {
            model.Distances(band, count, distances);
            current = true;
            distances.AsSpan(0, count).CopyTo(scratch);
            float limit = Math.Max(2.5f * OrderStatistics.Median(scratch.AsSpan(0, count)), 2f);
            int within = 0;
            foreach (float d in distances.AsSpan(0, count)) if (d <= limit) within++;
            if (within < 3 || within == count) break;
            // The first `within` band pixels in scan order are kept, not the pixels within the limit themselves: the
            // refit every robustness figure was measured with; keeping those within the limit changes the 28×28 images.
            count = within;
            model = Fit(band, count, terms);
            current = false;
        }
        if (!current) model.Distances(band, count, distances);
        return model with { Noise = OrderStatistics.Median(distances.AsSpan(0, count)) };
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

    /// <summary><see cref="Distance(ColorImage, int, int)"/> of the first <paramref name="count"/> band pixels.</summary>
    private void Distances(BandPixels band, int count, float[] distances)
    {
        for (int p = 0; p < count; p++)
        {
            float u = band.U[p], v = band.V[p];
            double sum = 0;
            for (int c = 0; c < 3; c++)
            {
                double d = band.Colour[c][p] - At(u, v, c);
                sum += d * d;
            }
            distances[p] = (float)Math.Sqrt(sum / 3);
        }
    }

    private static BackgroundModel ForCutOut(ColorImage image)
    {
        var luminance = new List<float>();
        for (int i = 0; i < image.Rgba.Length; i += 4)
            if (image.Rgba[i + 3] >= 128) luminance.Add(0.299f * image.Rgba[i] + 0.587f * image.Rgba[i + 1] + 0.114f * image.Rgba[i + 2]);
        float level = luminance.Count > 0 && OrderStatistics.Median([.. luminance]) >= LightGarment ? 0 : 255;
        return Plain(level, level, level);
    }

    /// <summary>
    /// Least squares for up to six terms per channel over the first <paramref name="count"/> band pixels (normal
    /// equations). When the points cannot fix them all (a band one pixel wide, a tiny image), fewer: the plane, then the
    /// mean.
    /// </summary>
    private static BackgroundModel Fit(BandPixels band, int count, int maxTerms)
    {
        Span<double> basis = stackalloc double[6];
        Span<double> products = stackalloc double[36];
        Span<double> sums = stackalloc double[18];
        foreach (int terms in (ReadOnlySpan<int>)[6, 3, 1])
        {
            if (terms > maxTerms) continue;
            // products[i·terms + j] = Σ basis_i·basis_j (upper triangle; the lower one mirrors it, the same products),
            // sums[c·terms + i] = Σ basis_i·colour_c, each summed over the pixels in scan order.
            Span<double> normalSums = products[..(terms * terms)], rhsSums = sums[..(3 * terms)];
            normalSums.Clear();
            rhsSums.Clear();
            for (int p = 0; p < count; p++)
            {
                double u = band.U[p], v = band.V[p];
                basis[0] = 1;
                basis[1] = u;
                basis[2] = v;
                basis[3] = u * u;
                basis[4] = v * v;
                basis[5] = u * v;
                float r = band.Colour[0][p], g = band.Colour[1][p], b = band.Colour[2][p];
                for (int i = 0; i < terms; i++)
                {
                    double bi = basis[i];
                    for (int j = i; j < terms; j++) normalSums[i * terms + j] += bi * basis[j];
                    rhsSums[i] += bi * r;
                    rhsSums[terms + i] += bi * g;
                    rhsSums[2 * terms + i] += bi * b;
                }
            }
            var normal = new double[terms, terms];
            var rhs = new double[3, terms];
            for (int i = 0; i < terms; i++)
            {
                for (int j = i; j < terms; j++) normal[i, j] = normal[j, i] = normalSums[i * terms + j];
                for (int c = 0; c < 3; c++) rhs[c, i] = rhsSums[c * terms + i];
            }
            var solutions = new double[3][];
            bool solved = true;
            for (int c = 0; c < 3 && solved; c++)
            {
                var column = new double[terms];
                for (int i = 0; i < terms; i++) column[i] = rhs[c, i];
                double[]? solution = Solve(normal, column);
                if (solution is null) solved = false;
                else solutions[c] = [.. solution, .. new double[6 - terms]];
            }
            if (!solved) continue;
            float Term(int c, int i) => (float)solutions[c][i];
            return new BackgroundModel([Term(0, 0), Term(1, 0), Term(2, 0)], [Term(0, 1), Term(1, 1), Term(2, 1)],
                [Term(0, 2), Term(1, 2), Term(2, 2)], 0)
            {
                Curvature = [Term(0, 3), Term(0, 4), Term(0, 5), Term(1, 3), Term(1, 4), Term(1, 5), Term(2, 3), Term(2, 4), Term(2, 5)],
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
}

/// <summary>
/// The opaque pixels (alpha ≥ 128) of an image's border band in scan order (row by row, left to right), as columns:
/// centred coordinates <see cref="BackgroundModel.U"/> and the three colour channels. <see cref="Total"/> counts the
/// band's pixels, opaque or not.
/// </summary>
internal sealed class BandPixels
{
    private BandPixels(int capacity)
    {
        U = new float[capacity];
        V = new float[capacity];
        Colour = [new float[capacity], new float[capacity], new float[capacity]];
    }

    public float[] U { get; }
    public float[] V { get; }

    /// <summary>R, G and B of each pixel.</summary>
    public float[][] Colour { get; }

    public int Count { get; private set; }
    public int Total { get; private set; }

    /// <summary>The number of pixels in the band of a width×height image: whole rows at the top and bottom, both ends of
    /// the others.</summary>
    public static int Size(int width, int height, int band)
    {
        int rows = Math.Min(height, 2 * band);
        return rows * width + (height - rows) * Math.Min(width, 2 * band);
    }

    public static BandPixels Gather(ColorImage image, int band)
    {
        int w = image.Width, h = image.Height;
        var pixels = new BandPixels(Size(w, h, band));
        float[] rgba = image.Rgba;
        for (int y = 0; y < h; y++)
        {
            bool edgeRow = y < band || y >= h - band;
            float v = BackgroundModel.U(y, h);
            for (int x = 0; x < w; x++)
            {
                if (!edgeRow && x == band) x = w - band;   // skip the interior of the row
                pixels.Total++;
                int i = 4 * (y * w + x);
                if (rgba[i + 3] < 128) continue;
                int n = pixels.Count++;
                pixels.U[n] = BackgroundModel.U(x, w);
                pixels.V[n] = v;
                pixels.Colour[0][n] = rgba[i];
                pixels.Colour[1][n] = rgba[i + 1];
                pixels.Colour[2][n] = rgba[i + 2];
            }
        }
        return pixels;
    }
}
