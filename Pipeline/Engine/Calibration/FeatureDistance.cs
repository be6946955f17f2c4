using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Activation;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Layers.Pooling;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Calibration;

/// <summary>
/// How far an image's internal features lie from the training images' (Lee et al., 2018, with their feature ensemble):
/// at each tap t (the end of every convolution stage, summarized per channel by mean and standard deviation over the
/// map, and the penultimate vector) a Gaussian per class with one shared covariance Σ_t, the distance
/// D_t = min_k (f_t − μ_tk)ᵀ Σ_t⁻¹ (f_t − μ_tk), and the score −Σ_t (D_t − a_t) / b_t with a_t, b_t the mean and
/// standard deviation of D_t on the images it was fitted on: higher = more like a training image. With
/// <see cref="Energy"/> the score is that one combined with the logits' energy. Exported as a graph output
/// (<see cref="Onnx.OnnxExporter.InDistributionScoreName"/>), so every runtime computes the same score.
/// </summary>
public sealed class FeatureDistance
{
    /// <summary>Σ is shrunk toward its mean variance, (1 − λ)·Σ + λ·tr(Σ)/d·I, so it stays invertible with few images.</summary>
    public const double Shrinkage = 0.01;

    /// <summary>A vector tap wider than this is left out: its covariance would need more images than a held-out split has.</summary>
    public const int MaxVectorWidth = 512;

    private FeatureDistance(IReadOnlyList<FeatureTap> taps) => Taps = taps;

    public IReadOnlyList<FeatureTap> Taps { get; }

    /// <summary>The standardized sum with the energy of the image's logits; null: the feature distance alone.</summary>
    public EnergyCombination? Energy { get; init; }

    /// <summary>The same taps with <paramref name="energy"/> (null: the feature distance alone).</summary>
    public FeatureDistance WithEnergy(EnergyCombination? energy) => new(Taps) { Energy = energy };

    /// <summary>The score this computes, as the model's metadata names it.</summary>
    public InDistributionScoreKind Kind =>
        Energy is null ? InDistributionScoreKind.FeatureDistance : InDistributionScoreKind.FeatureDistanceAndEnergy;

    /// <summary>
    /// The taps of <paramref name="model"/>: each 4-D ReLU output that a pooling or Flatten layer reads (through Dropout or
    /// BatchNorm), as channel statistics, and the last GlobalAvgPool or 1-D ReLU output no wider than
    /// <see cref="MaxVectorWidth"/>, as it is. Empty for a model without either.
    /// </summary>
    public static IReadOnlyList<(int Layer, bool ChannelStatistics, int Width)> TapPoints(Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        IReadOnlyList<Layer> layers = model.Layers;
        var taps = new List<(int, bool, int)>();
        int vector = -1;
        for (int i = 0; i < layers.Count; i++)
        {
            bool activation = layers[i] is ReLU or LeakyReLU;
            if (activation && layers[i].OutputShape.Rank == 3)
            {
                int j = i + 1;
                while (j < layers.Count && layers[j] is Dropout or BatchNorm) j++;
                if (j < layers.Count && layers[j] is MaxPool2D or AvgPool2D or GlobalAvgPool or Flatten)
                    taps.Add((i, true, 2 * layers[i].OutputShape[0]));
            }
            if ((layers[i] is GlobalAvgPool || (activation && layers[i].OutputShape.Rank == 1))
                && layers[i].OutputShape.Size <= MaxVectorWidth && i < layers.Count - 1)
                vector = i;
        }
        if (vector >= 0) taps.Add((vector, false, layers[vector].OutputShape.Size));
        return taps;
    }

    /// <summary>
    /// Fits the per-class means, shared covariances and standardization on <paramref name="count"/> images (pixels / 255)
    /// with their labels; null when the model has no tap.
    /// </summary>
    public static FeatureDistance? Fit(Sequential model, ReadOnlySpan<float> images, ReadOnlySpan<int> labels, int count)
    {
        var points = TapPoints(model);
        if (points.Count == 0) return null;
        if (count < 2 || labels.Length < count) throw new ArgumentException($"Feature distance: expected at least 2 labeled images. " +
            $"Received {count} images and {labels.Length} labels.");
        int classes = model.OutputShape.Size;
        float[][] features = Features(model, points, images, count);
        var taps = new List<FeatureTap>();
        for (int t = 0; t < points.Count; t++)
            taps.Add(FeatureTap.Fit(points[t].Layer, points[t].ChannelStatistics, features[t], points[t].Width, labels[..count], classes));
        return new FeatureDistance(taps);
    }

    /// <summary>
    /// The score of each of <paramref name="count"/> images (pixels / 255), computed in the engine: the feature distance's,
    /// combined with the energy of the model's logits for the image alone when <see cref="Energy"/> is set.
    /// </summary>
    public double[] Score(Sequential model, ReadOnlySpan<float> images, int count)
    {
        if (Energy is null) return DistanceScore(model, images, count);
        var logits = new float[count * model.OutputShape.Size];
        double[] scores = DistanceScore(model, images, count, logits);
        double[] energies = Energies(logits, model.OutputShape.Size);
        for (int n = 0; n < count; n++) scores[n] = Energy.Combine(scores[n], energies[n]);
        return scores;
    }

    /// <summary>log Σ_k exp(z_k) of the model's logits for each image alone (no test-time views).</summary>
    public static double[] Energies(Sequential model, ReadOnlySpan<float> images, int count)
    {
        ArgumentNullException.ThrowIfNull(model);
        var logits = new float[count * model.OutputShape.Size];
        model.PredictLogits(images, count, logits);
        return Energies(logits, model.OutputShape.Size);
    }

    /// <summary>log Σ_k exp(z_k) of each image's logits ([count, classes], of the image alone: no test-time views).</summary>
    public static double[] Energies(ReadOnlySpan<float> logits, int classes) =>
        InDistributionScore.Of(InDistributionScoreKind.Energy, logits, classes);

    /// <summary>
    /// −Σ_t (D_t − a_t) / b_t of each image, without <see cref="Energy"/>; with <paramref name="logits"/> ([count, classes])
    /// the same forward pass also gives the model's logits, as <see cref="Sequential.PredictLogits"/> would.
    /// </summary>
    public double[] DistanceScore(Sequential model, ReadOnlySpan<float> images, int count, Span<float> logits = default)
    {
        var points = Taps.Select(t => (t.Layer, t.ChannelStatistics, t.Width)).ToList();
        float[][] features = Features(model, points, images, count, logits);
        var scores = new double[count];
        for (int t = 0; t < Taps.Count; t++)
        {
            double[] distances = Taps[t].Distances(features[t], count);
            for (int n = 0; n < count; n++) scores[n] -= (distances[n] - Taps[t].Offset) / Taps[t].Scale;
        }
        return scores;
    }

    /// <summary>The tap features of each image, in batches of the model's MaxBatchSize: per tap [count, width].</summary>
    private static float[][] Features(Sequential model, IReadOnlyList<(int Layer, bool ChannelStatistics, int Width)> points,
        ReadOnlySpan<float> images, int count, Span<float> logits = default)
    {
        if (!model.IsBuilt) throw new InvalidOperationException("Feature distance: build (train) the model first.");
        int size = model.InputShape.Size, classes = model.OutputShape.Size;
        if (images.Length < count * size)
            throw new ArgumentException($"Feature distance: expected {count * size} input floats. Received {images.Length}.");
        if (!logits.IsEmpty && logits.Length < count * classes)
            throw new ArgumentException($"Feature distance: expected {count * classes} logits. Received {logits.Length}.");
        int last = logits.IsEmpty ? points[^1].Layer : model.Layers.Count - 1;
        float[][] features = [.. points.Select(p => new float[count * p.Width])];
        var input = new Tensor(model.MaxBatchSize, model.InputShape);
        for (int start = 0; start < count; start += model.MaxBatchSize)
        {
            int n = Math.Min(model.MaxBatchSize, count - start);
            input.SetBatchSize(n);
            images.Slice(start * size, n * size).CopyTo(input.Span);
            Tensor x = input;
            for (int i = 0; i <= last; i++)
            {
                x = model.Layers[i].Forward(x, training: false);
                for (int t = 0; t < points.Count; t++)
                    if (points[t].Layer == i)
                        Parallelism.For(n, new TapRows(x, start, points[t].ChannelStatistics, points[t].Width, features[t]));
            }
            if (!logits.IsEmpty) x.Span[..(n * classes)].CopyTo(logits.Slice(start * classes, n * classes));
        }
        return features;
    }

    /// <summary>Images [start, end) of a batch: their tap features, each image's alone (the same bits however split).</summary>
    private readonly struct TapRows(Tensor x, int first, bool channelStatistics, int width, float[] features) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            for (int s = start; s < end; s++)
            {
                Span<float> destination = features.AsSpan((first + s) * width, width);
                if (channelStatistics) ChannelStatistics(x.Sample(s), width / 2, destination);
                else x.Sample(s).CopyTo(destination);
            }
        }
    }

    /// <summary>A map [C, H, W] → [mean_0 … mean_{C−1}, std_0 … std_{C−1}], std = √(mean of (x − mean)²).</summary>
    public static void ChannelStatistics(ReadOnlySpan<float> map, int channels, Span<float> destination)
    {
        int area = map.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> plane = map.Slice(c * area, area);
            double sum = 0, squares = 0;
            foreach (float v in plane) sum += v;
            double mean = sum / area;
            foreach (float v in plane) squares += (v - mean) * (v - mean);
            destination[c] = (float)mean;
            destination[channels + c] = (float)Math.Sqrt(squares / area);
        }
    }
}

/// <summary>
/// One tap of <see cref="FeatureDistance"/>: the features of layer <see cref="Layer"/>'s output (channel statistics or the
/// vector), the class means already whitened (M = μ·W, [classes, width]), the whitening W [width, width] with W·Wᵀ = Σ⁻¹,
/// so (f − μ_k)ᵀ Σ⁻¹ (f − μ_k) = ‖f·W − M_k‖², and the standardization (D − <see cref="Offset"/>) / <see cref="Scale"/>.
/// </summary>
public sealed record FeatureTap(int Layer, bool ChannelStatistics, int Width, float[] WhitenedMeans, float[] Whitening, double Offset,
    double Scale)
{
    public int Classes => WhitenedMeans.Length / Width;

    /// <summary>min_k ‖f·W − M_k‖², in double.</summary>
    public double Distance(ReadOnlySpan<float> features) => Distance(features, new double[Width]);

    /// <summary><see cref="Distance(ReadOnlySpan{float})"/> with <paramref name="g"/> ([Width]) for f·W.</summary>
    private double Distance(ReadOnlySpan<float> features, Span<double> g)
    {
        g.Clear();
        for (int i = 0; i < Width; i++)
        {
            double f = features[i];
            if (f != 0) DoubleAxpy.Add(Whitening.AsSpan(i * Width, Width), f, g);
        }
        double best = double.PositiveInfinity;
        for (int k = 0; k < Classes; k++)
        {
            double d = 0;
            for (int j = 0; j < Width; j++) { double e = g[j] - WhitenedMeans[k * Width + j]; d += e * e; }
            best = Math.Min(best, d);
        }
        return best;
    }

    /// <summary>The distance of each row of <paramref name="features"/> ([count, Width]), on the engine's threads (each row
    /// alone, so the bits do not depend on the split).</summary>
    internal double[] Distances(float[] features, int count)
    {
        var distances = new double[count];
        Parallelism.For(count, new DistanceRows(this, features, distances));
        return distances;
    }

    private readonly struct DistanceRows(FeatureTap tap, float[] features, double[] distances) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            var g = new double[tap.Width];
            for (int n = start; n < end; n++) distances[n] = tap.Distance(features.AsSpan(n * tap.Width, tap.Width), g);
        }
    }

    internal static FeatureTap Fit(int layer, bool channelStatistics, float[] features, int width, ReadOnlySpan<int> labels, int classes)
    {
        int count = labels.Length;
        var means = new double[classes * width];
        var counts = new int[classes];
        for (int n = 0; n < count; n++)
        {
            counts[labels[n]]++;
            for (int i = 0; i < width; i++) means[labels[n] * width + i] += features[n * width + i];
        }
        for (int k = 0; k < classes; k++)
            for (int i = 0; i < width; i++) means[k * width + i] /= Math.Max(1, counts[k]);
        // Σ = (1/n) Σ_n (f_n − μ_{y_n})(f_n − μ_{y_n})ᵀ, then shrunk.
        var covariance = new double[width * width];
        var centered = new double[width];
        for (int n = 0; n < count; n++)
        {
            for (int i = 0; i < width; i++) centered[i] = features[n * width + i] - means[labels[n] * width + i];
            for (int i = 0; i < width; i++)
            {
                double ci = centered[i];
                if (ci != 0) DoubleAxpy.Add(centered.AsSpan(0, i + 1), ci, covariance.AsSpan(i * width, i + 1));
            }
        }
        double trace = 0;
        for (int i = 0; i < width; i++) trace += covariance[i * width + i] / count;
        double floor = Math.Max(trace / width, 1e-12);
        for (int i = 0; i < width; i++)
            for (int j = 0; j <= i; j++)
            {
                double v = (1 - FeatureDistance.Shrinkage) * covariance[i * width + j] / count
                    + (i == j ? FeatureDistance.Shrinkage * floor : 0);
                covariance[i * width + j] = covariance[j * width + i] = v;
            }
        float[] whitening = InverseCholeskyTransposed(covariance, width);
        var whitenedMeans = new float[classes * width];
        for (int k = 0; k < classes; k++)
            for (int j = 0; j < width; j++)
            {
                double s = 0;
                for (int i = 0; i < width; i++) s += means[k * width + i] * whitening[i * width + j];
                whitenedMeans[k * width + j] = (float)s;
            }
        var tap = new FeatureTap(layer, channelStatistics, width, whitenedMeans, whitening, 0, 1);
        double[] distances = tap.Distances(features, count);
        double mean = distances.Average();
        double std = Math.Sqrt(distances.Sum(d => (d - mean) * (d - mean)) / count);
        return tap with { Offset = mean, Scale = std > 0 ? std : 1 };
    }

    /// <summary>
    /// W = (L⁻¹)ᵀ for Σ = L·Lᵀ (Cholesky): then f·W = (L⁻¹f)ᵀ and ‖(f − μ)·W‖² = (f − μ)ᵀ Σ⁻¹ (f − μ). Row-major [width, width].
    /// </summary>
    private static float[] InverseCholeskyTransposed(double[] covariance, int width)
    {
        var l = new double[width * width];
        for (int i = 0; i < width; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = covariance[i * width + j];
                for (int k = 0; k < j; k++) s -= l[i * width + k] * l[j * width + k];
                if (i == j)
                {
                    if (!(s > 0)) throw new InvalidOperationException("Feature distance: the feature covariance is not positive definite.");
                    l[i * width + i] = Math.Sqrt(s);
                }
                else l[i * width + j] = s / l[j * width + j];
            }
        // inverse[L] lower-triangular: column by column forward substitution of L·x = e_c.
        var inverse = new double[width * width];
        for (int c = 0; c < width; c++)
            for (int i = c; i < width; i++)
            {
                double s = i == c ? 1 : 0;
                for (int k = c; k < i; k++) s -= l[i * width + k] * inverse[k * width + c];
                inverse[i * width + c] = s / l[i * width + i];
            }
        var w = new float[width * width];
        for (int i = 0; i < width; i++)
            for (int j = 0; j < width; j++) w[i * width + j] = (float)inverse[j * width + i];
        return w;
    }
}
