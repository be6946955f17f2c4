using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// <see cref="BatchNormKernel"/> for small planes (L &lt; 16: BatchNorm1D's [N, F], or 2×2 feature maps), where a
/// per-channel SIMD call would cover a handful of floats. L = 1 walks the batch row by row with SIMD across
/// channels (two-pass variance, no cancellation); other small L are plain loops over little data. Same formulas.
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

    private static void SmallPlanes(BatchNormKernel.Buffers b, bool training)
    {
        int m = b.Batch * b.Length;
        for (int c = 0; c < b.Channels; c++)
        {
            double sum = 0, sumSq = 0;
            if (training)
            {
                for (int n = 0; n < b.Batch; n++) foreach (float v in Plane(b.X, b, n, c)) sum += v;
                double mu = sum / m;
                for (int n = 0; n < b.Batch; n++) foreach (float v in Plane(b.X, b, n, c)) sumSq += (v - mu) * (v - mu);
                sumSq += m * mu * mu; // Statistics expects Σx²
            }
            BatchNormKernel.Statistics(ref b, c, sum, sumSq, m, training);
            float scale = b.Gamma[c] * b.InvStd[c], shift = b.Beta[c] - b.Mean[c] * scale;
            for (int n = 0; n < b.Batch; n++) Affine.Apply(Plane(b.X, b, n, c), scale, shift, Plane(b.Y, b, n, c));
        }
    }

    private static void SmallPlanesBackward(BatchNormKernel.Buffers b, bool training, bool needInputGradient)
    {
        int m = b.Batch * b.Length;
        for (int c = 0; c < b.Channels; c++)
        {
            float mean = b.Mean[c], invStd = b.InvStd[c], k = b.Gamma[c] * invStd;
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
            b.DGamma[c] = (float)dGamma;
            b.DBeta[c] = (float)dBeta;
            if (!needInputGradient) continue;
            for (int n = 0; n < b.Batch; n++)
            {
                Span<float> x = Plane(b.X, b, n, c), dy = Plane(b.DY, b, n, c), dx = Plane(b.DX, b, n, c);
                for (int l = 0; l < x.Length; l++)
                    dx[l] = training ? (float)(k * (dy[l] - dBeta / m - (x[l] - mean) * invStd * dGamma / m)) : k * dy[l];
            }
        }
    }

    private static Span<float> Plane(float* p, in BatchNormKernel.Buffers b, int n, int c)
        => new(p + ((long)n * b.Channels + c) * b.Length, b.Length);
}
