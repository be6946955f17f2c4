using System.Runtime.Intrinsics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// <see cref="BatchNormKernel"/> for small planes (L &lt; 16: BatchNorm1D's [N, F], or 2×2 feature maps), where a
/// per-channel SIMD call would cover a handful of floats. L = 1 walks the batch row by row with SIMD across
/// channels (two-pass variance, no cancellation); other small L sum four channels at a time, one a lane of a double
/// vector (each lane the serial sum one channel alone gets), and compute dx four cells at a time. Same formulas.
/// </summary>
internal static unsafe class FeatureStatistics
{
    public static void Forward(BatchNormKernel.Buffers b, bool training)
    {
        if (b.Length != 1)
        {
            SmallPlanes(b, training);
            return;
        }
        int n = b.Batch, c = b.Channels;
        var mean = new Span<float>(b.Mean, c);
        var invStd = new Span<float>(b.InvStd, c);
        if (training)
        {
            mean.Clear();
            for (int i = 0; i < n; i++) TensorPrimitives.Add(mean, Row(b.X, i, c), mean);
            TensorPrimitives.Multiply(mean, 1f / n, mean);
            invStd.Clear(); // Σ (x − μ)², then turned into 1/√(σ² + ε) by Statistics
            Span<float> centered = Row(b.Y, 0, c); // scratch: y is written below
            for (int i = 0; i < n; i++)
            {
                TensorPrimitives.Subtract(Row(b.X, i, c), mean, centered);
                TensorPrimitives.MultiplyAdd(centered, centered, invStd, invStd);
            }
            for (int k = 0; k < c; k++)
            {
                double mu = mean[k];
                BatchNormKernel.Statistics(ref b, k, mu * n, invStd[k] + n * mu * mu, n, training: true);
            }
        }
        else
        {
            for (int k = 0; k < c; k++) BatchNormKernel.Statistics(ref b, k, 0, 0, n, training: false);
        }
        for (int i = 0; i < n; i++)
        {
            Span<float> y = Row(b.Y, i, c);
            TensorPrimitives.Subtract(Row(b.X, i, c), mean, y);
            TensorPrimitives.Multiply(y, invStd, y);
            TensorPrimitives.MultiplyAdd(y, new ReadOnlySpan<float>(b.Gamma, c), new ReadOnlySpan<float>(b.Beta, c), y);
        }
    }

    public static void Backward(BatchNormKernel.Buffers b, bool training, bool needInputGradient)
    {
        if (b.Length != 1)
        {
            SmallPlanesBackward(b, training, needInputGradient);
            return;
        }
        int n = b.Batch, c = b.Channels;
        ReadOnlySpan<float> mean = new(b.Mean, c), invStd = new(b.InvStd, c), gamma = new(b.Gamma, c);
        Span<float> dGamma = new(b.DGamma, c), dBeta = new(b.DBeta, c);
        dGamma.Clear();
        dBeta.Clear();
        for (int i = 0; i < n; i++)
        {
            Span<float> xHat = Row(b.DX, i, c); // scratch until dx is written
            XHat(b.X, i, mean, invStd, xHat);
            TensorPrimitives.MultiplyAdd(Row(b.DY, i, c), xHat, dGamma, dGamma);
            TensorPrimitives.Add(dBeta, Row(b.DY, i, c), dBeta);
        }
        if (!needInputGradient) return;
        for (int i = 0; i < n; i++)
        {
            Span<float> dx = Row(b.DX, i, c);
            if (training)
            {
                // dx = γ·s·(dy − dβ/M − x̂·dγ/M)
                XHat(b.X, i, mean, invStd, dx);
                TensorPrimitives.Multiply(dx, dGamma, dx);
                TensorPrimitives.MultiplyAdd(dx, -1f / n, Row(b.DY, i, c), dx);
                TensorPrimitives.MultiplyAdd(dBeta, -1f / n, dx, dx);
                TensorPrimitives.Multiply(dx, invStd, dx);
            }
            else TensorPrimitives.Multiply(Row(b.DY, i, c), invStd, dx);
            TensorPrimitives.Multiply(dx, gamma, dx);
        }
    }

    private static void XHat(float* x, int row, ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd, Span<float> xHat)
    {
        TensorPrimitives.Subtract(Row(x, row, mean.Length), mean, xHat);
        TensorPrimitives.Multiply(xHat, invStd, xHat);
    }

    private static Span<float> Row(float* p, int row, int channels) => new(p + (long)row * channels, channels);

    /// <summary>Channels whose per-channel sums (serial chains of double adds) run side by side, one channel a lane.</summary>
    private const int Group = 4;

    private static void SmallPlanes(BatchNormKernel.Buffers b, bool training)
    {
        int m = b.Batch * b.Length;
        Span<double> sums = stackalloc double[Group], sumSqs = stackalloc double[Group];
        for (int first = 0; first < b.Channels; first += Group)
        {
            int count = Math.Min(Group, b.Channels - first);
            if (training) Sums(b, first, count, sums, sumSqs);
            for (int c = first; c < first + count; c++)
            {
                BatchNormKernel.Statistics(ref b, c, training ? sums[c - first] : 0, training ? sumSqs[c - first] : 0, m, training);
                float scale = b.Gamma[c] * b.InvStd[c], shift = b.Beta[c] - b.Mean[c] * scale;
                // Affine.Apply's y = fma(x, scale, shift), inline: a call per 2×2 plane would cost more than the plane.
                for (int n = 0; n < b.Batch; n++)
                {
                    Span<float> x = Plane(b.X, b, n, c), y = Plane(b.Y, b, n, c);
                    for (int l = 0; l < x.Length; l++) y[l] = MathF.FusedMultiplyAdd(x[l], scale, shift);
                }
            }
        }
    }

    /// <summary>
    /// Σx and Σx² (as Σ(x − μ)² + M·μ², the two-pass variance) of channels first … first + count − 1, each summed in
    /// double over (n, l) in order; four channels as the lanes of one vector (cells L floats apart).
    /// </summary>
    private static void Sums(in BatchNormKernel.Buffers b, int first, int count, Span<double> sums, Span<double> sumSqs)
    {
        int m = b.Batch * b.Length, length = b.Length;
        if (count == Group && Vector256.IsHardwareAccelerated)
        {
            Vector256<double> sum = Vector256<double>.Zero, sumSq = Vector256<double>.Zero;
            for (int n = 0; n < b.Batch; n++)
            {
                float* p = b.X + ((long)n * b.Channels + first) * length;
                for (int l = 0; l < length; l++) sum += Gather(p + l, length);
            }
            Vector256<double> mu = sum / Vector256.Create((double)m);
            for (int n = 0; n < b.Batch; n++)
            {
                float* p = b.X + ((long)n * b.Channels + first) * length;
                for (int l = 0; l < length; l++)
                {
                    Vector256<double> d = Gather(p + l, length) - mu;
                    sumSq += d * d;
                }
            }
            sumSq += Vector256.Create((double)m) * mu * mu; // Statistics expects Σx²
            sum.CopyTo(sums);
            sumSq.CopyTo(sumSqs);
            return;
        }
        for (int j = 0; j < count; j++)
        {
            double sum = 0, sumSq = 0;
            for (int n = 0; n < b.Batch; n++) foreach (float v in Plane(b.X, b, n, first + j)) sum += v;
            double mu = sum / m;
            for (int n = 0; n < b.Batch; n++) foreach (float v in Plane(b.X, b, n, first + j)) sumSq += (v - mu) * (v - mu);
            sums[j] = sum;
            sumSqs[j] = sumSq + m * mu * mu;
        }
    }

    /// <summary>(double) p[0], p[stride], p[2·stride], p[3·stride]: one cell of four neighbouring channels' planes.</summary>
    private static Vector256<double> Gather(float* p, int stride) => Vector256.Create(p[0], p[stride], p[2 * stride], p[3 * stride]);

    private static Vector128<float> GatherSingle(float* p, int stride) => Vector128.Create(p[0], p[stride], p[2 * stride], p[3 * stride]);

    private static void SmallPlanesBackward(BatchNormKernel.Buffers b, bool training, bool needInputGradient)
    {
        int m = b.Batch * b.Length;
        Span<double> dGammas = stackalloc double[Group], dBetas = stackalloc double[Group];
        for (int first = 0; first < b.Channels; first += Group)
        {
            int count = Math.Min(Group, b.Channels - first);
            ParameterGradients(b, first, count, dGammas, dBetas);
            for (int c = first; c < first + count; c++)
            {
                float mean = b.Mean[c], invStd = b.InvStd[c], k = b.Gamma[c] * invStd;
                double dGamma = dGammas[c - first], dBeta = dBetas[c - first];
                b.DGamma[c] = (float)dGamma;
                b.DBeta[c] = (float)dBeta;
                if (!needInputGradient) continue;
                for (int n = 0; n < b.Batch; n++)
                {
                    Span<float> x = Plane(b.X, b, n, c), dy = Plane(b.DY, b, n, c), dx = Plane(b.DX, b, n, c);
                    if (training) InputGradient(x, dy, mean, invStd, k, dGamma, dBeta, m, dx);
                    else TensorPrimitives.Multiply(dy, k, dx);
                }
            }
        }
    }

    /// <summary>
    /// dγ = Σ dy·(x − μ)·s (each term in float) and dβ = Σ dy of channels first … first + count − 1, summed in double over
    /// (n, l) in order; four channels as the lanes of one vector.
    /// </summary>
    private static void ParameterGradients(in BatchNormKernel.Buffers b, int first, int count, Span<double> dGammas, Span<double> dBetas)
    {
        int length = b.Length;
        if (count == Group && Vector256.IsHardwareAccelerated)
        {
            Vector128<float> mean = Vector128.Create(new ReadOnlySpan<float>(b.Mean + first, Group));
            Vector128<float> invStd = Vector128.Create(new ReadOnlySpan<float>(b.InvStd + first, Group));
            Vector256<double> dGamma = Vector256<double>.Zero, dBeta = Vector256<double>.Zero;
            for (int n = 0; n < b.Batch; n++)
            {
                long offset = ((long)n * b.Channels + first) * length;
                float* x = b.X + offset, dy = b.DY + offset;
                for (int l = 0; l < length; l++)
                {
                    Vector128<float> g = GatherSingle(dy + l, length), term = g * (GatherSingle(x + l, length) - mean) * invStd;
                    dGamma += Vector256.Create(Vector128.WidenLower(term), Vector128.WidenUpper(term));
                    dBeta += Vector256.Create(Vector128.WidenLower(g), Vector128.WidenUpper(g));
                }
            }
            dGamma.CopyTo(dGammas);
            dBeta.CopyTo(dBetas);
            return;
        }
        for (int j = 0; j < count; j++)
        {
            int c = first + j;
            float mean = b.Mean[c], invStd = b.InvStd[c];
            double dGamma = 0, dBeta = 0;
            for (int n = 0; n < b.Batch; n++)
            {
                Span<float> x = Plane(b.X, b, n, c), dy = Plane(b.DY, b, n, c);
                for (int l = 0; l < x.Length; l++)
                {
                    dGamma += dy[l] * (x[l] - mean) * invStd;
                    dBeta += dy[l];
                }
            }
            dGammas[j] = dGamma;
            dBetas[j] = dBeta;
        }
    }

    /// <summary>
    /// One small plane's training dx = k·(dy − dβ/M − x̂·dγ/M) with x̂ = (x − μ)·s in float and the rest in double, four
    /// cells at a time as 4 doubles (the double divisions dominate); the same operations per cell as
    /// <see cref="InputGradientSerial"/>, which does the last L mod 4 cells.
    /// </summary>
    internal static void InputGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float mean, float invStd, float k, double dGamma,
        double dBeta, int m, Span<float> dx)
    {
        int l = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector128<float> vMean = Vector128.Create(mean), vInvStd = Vector128.Create(invStd);
            Vector256<double> vK = Vector256.Create((double)k), vDGamma = Vector256.Create(dGamma), vM = Vector256.Create((double)m);
            Vector256<double> vBetaTerm = Vector256.Create(dBeta / m);
            for (; l + 4 <= x.Length; l += 4)
            {
                Vector128<float> xHat = (Vector128.Create(x.Slice(l, 4)) - vMean) * vInvStd, g = Vector128.Create(dy.Slice(l, 4));
                Vector256<double> xHatD = Vector256.Create(Vector128.WidenLower(xHat), Vector128.WidenUpper(xHat));
                Vector256<double> gD = Vector256.Create(Vector128.WidenLower(g), Vector128.WidenUpper(g));
                Vector256<double> r = vK * ((gD - vBetaTerm) - xHatD * vDGamma / vM);
                Vector128.Narrow(r.GetLower(), r.GetUpper()).CopyTo(dx.Slice(l, 4));
            }
        }
        InputGradientSerial(x.Slice(l), dy.Slice(l), mean, invStd, k, dGamma, dBeta, m, dx.Slice(l));
    }

    /// <summary>Scalar twin of <see cref="InputGradient"/>.</summary>
    internal static void InputGradientSerial(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float mean, float invStd, float k,
        double dGamma, double dBeta, int m, Span<float> dx)
    {
        for (int l = 0; l < x.Length; l++) dx[l] = (float)(k * (dy[l] - dBeta / m - (x[l] - mean) * invStd * dGamma / m));
    }

    private static Span<float> Plane(float* p, in BatchNormKernel.Buffers b, int n, int c)
        => new(p + ((long)n * b.Channels + c) * b.Length, b.Length);
}
