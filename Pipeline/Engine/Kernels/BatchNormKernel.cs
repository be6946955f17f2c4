using System.Runtime.Intrinsics.X86;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Batch normalization over x [N, C, L] per channel c (L = H·W, or 1 for features), M = N·L values per channel:
/// training: μ, σ² (biased) of the M values; y = γ·(x − μ)/√(σ² + ε) + β; running ← (1−m)·running + m·batch
/// (unbiased σ²·M/(M−1) for the running variance, as PyTorch). Eval uses the running statistics as μ, σ².
/// Backward, with x̂ = (x − μ)·s, s = 1/√(σ² + ε), recomputed from x (no x̂ buffer, one pass less each way):
/// dγ = Σ dy·x̂, dβ = Σ dy; training: dx = γ·s·(dy − dβ/M − x̂·dγ/M); eval: dx = γ·s·dy.
/// Planes (L ≥ 16) are processed per channel on the pool; features (small L) row by row across channels.
/// A ReLU beside a plane batch norm runs inside its passes, on each plane while it is in cache (the [128, 32, 28, 28]
/// maps are 12.8 MB; each separate pass is a trip through memory): <see cref="Buffers.ReluOutput"/> gives
/// y = max(y, 0) (batch norm → ReLU) and, in backward, reads dy where y &gt; 0, else 0·dy (that ReLU's backward, written
/// into the dx plane, which the dx pass then overwrites in place; y recomputed from x, so the output is dead after the
/// next forward); <see cref="Buffers.ReluInput"/> dx = dx where x &gt; 0,
/// else 0·dx (ReLU → batch norm, x being the ReLU's output). All are the ReLU kernels' own element-wise arithmetic, so the
/// bits are the same as with separate passes.
/// </summary>
public static unsafe class BatchNormKernel
{
    /// <summary>Pointers and sizes of one call. Mean and InvStd [C] are written by Forward and read by Backward.</summary>
    public struct Buffers
    {
        public float* X, Y, Gamma, Beta, RunningMean, RunningVar, Mean, InvStd, DGamma, DBeta, DY, DX;
        public int Batch, Channels, Length;
        public float Momentum, Epsilon;

        /// <summary>On planes: y = max(γ·x̂ + β, 0), a ReLU after the batch norm; Backward then runs that ReLU's backward
        /// on dy, its mask γ·x̂ + β &gt; 0 recomputed from X with the forward's floats (Y is not read).</summary>
        public bool ReluOutput;

        /// <summary>Backward on planes: x is a ReLU's output, and dx goes through that ReLU's backward too.</summary>
        public bool ReluInput;

        /// <summary>Training forward on planes: [N, C, 2], (Σx, Σx²) of each x plane as <see cref="FusedPasses.SumAndDot"/>
        /// gives them, computed by the layer that wrote x; null: computed here (the same floats, one read of x more).</summary>
        public float* PlaneSums;
    }

    /// <summary>Values per channel and sample from which channels are processed as planes (and a ReLU can be fused).</summary>
    internal const int PlaneThreshold = 16;

    public static void Forward(Buffers b, bool training)
    {
        if (b.Length >= PlaneThreshold) Parallelism.For(b.Channels, new ForwardBody(b, training));
        else FeatureStatistics.Forward(b, training);
    }

    public static void Backward(Buffers b, bool training, bool needInputGradient)
    {
        if (b.Length >= PlaneThreshold) Parallelism.For(b.Channels, new BackwardBody(b, training, needInputGradient));
        else FeatureStatistics.Backward(b, training, needInputGradient);
    }

    /// <summary>Running-statistics update and the (μ, 1/√(σ²+ε)) used, from a channel's Σx and Σx² over m values.</summary>
    internal static void Statistics(ref Buffers b, int c, double sum, double sumSq, int m, bool training)
    {
        if (training)
        {
            double mean = sum / m;
            double centered = Math.Max(0, sumSq - m * mean * mean);
            b.Mean[c] = (float)mean;
            b.InvStd[c] = (float)(1 / Math.Sqrt(centered / m + b.Epsilon));
            b.RunningMean[c] = (1 - b.Momentum) * b.RunningMean[c] + b.Momentum * (float)mean;
            double unbiased = m > 1 ? centered / (m - 1) : centered / m;
            b.RunningVar[c] = (float)((1 - b.Momentum) * b.RunningVar[c] + b.Momentum * unbiased);
        }
        else
        {
            b.Mean[c] = b.RunningMean[c];
            b.InvStd[c] = (float)(1 / Math.Sqrt(b.RunningVar[c] + b.Epsilon));
        }
    }

    /// <summary>
    /// How many planes ahead the channel loops prefetch: a channel's planes lie C·L floats apart, farther than the hardware
    /// prefetchers follow, so on data a step left cold each small plane (up to 16², a few cache lines) waits for memory;
    /// ~2 KB ahead hides that wait. Larger planes are long enough runs for the hardware's own prefetch (0: none).
    /// </summary>
    private static int PlanesAhead(int length) => length > 256 ? 0 : Math.Clamp(512 / length, 2, 8);

    /// <summary>
    /// Asks for the cache lines of plane <paramref name="n"/> of channel <paramref name="c"/> (none past the batch, none with no
    /// planes ahead). Only a hint: the arithmetic and its bits do not change.
    /// </summary>
    private static void Prefetch(float* p, in Buffers b, int n, int c)
    {
        if (!Sse.IsSupported || n >= b.Batch || p is null || b.Length > 256) return;
        float* plane = p + ((long)n * b.Channels + c) * b.Length;
        for (int i = 0; i < b.Length; i += 16) Sse.Prefetch0(plane + i);
    }

    /// <summary>y = scale·x + shift: scale = γ·s, shift = β − μ·scale; Backward recomputes the fused ReLU's mask with the same
    /// floats.</summary>
    private static (float Scale, float Shift) ScaleAndShift(in Buffers b, int c)
    {
        float scale = b.Gamma[c] * b.InvStd[c];
        return (scale, b.Beta[c] - b.Mean[c] * scale);
    }

    private readonly struct ForwardBody(Buffers b, bool training) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            Buffers buffers = b;
            int m = b.Batch * b.Length, ahead = PlanesAhead(b.Length);
            for (int c = start; c < end; c++)
            {
                double sum = 0, sumSq = 0;
                if (training)
                {
                    // Per-plane float sums (SIMD), accumulated across planes in double: σ² = E[x²] − μ².
                    for (int n = 0; n < b.Batch; n++)
                    {
                        float s, sq;
                        if (b.PlaneSums != null)
                        {
                            float* given = b.PlaneSums + 2 * ((long)n * b.Channels + c);
                            (s, sq) = (given[0], given[1]);
                        }
                        else
                        {
                            Prefetch(b.X, b, n + ahead, c);
                            var x = Plane(b.X, n, c);
                            (s, sq) = FusedPasses.SumAndDot(x, x);
                        }
                        sum += s;
                        sumSq += sq;
                    }
                }
                Statistics(ref buffers, c, sum, sumSq, m, training);
                (float scale, float shift) = ScaleAndShift(b, c);
                for (int n = 0; n < b.Batch; n++)
                {
                    Prefetch(b.X, b, n + ahead, c);
                    Prefetch(b.Y, b, n + ahead, c);
                    var y = Plane(b.Y, n, c);
                    Affine.Apply(Plane(b.X, n, c), scale, shift, y);
                    if (b.ReluOutput) TensorPrimitives.Max(y, 0f, y);
                }
            }
        }

        private Span<float> Plane(float* p, int n, int c) => new(p + ((long)n * b.Channels + c) * b.Length, b.Length);
    }

    private readonly struct BackwardBody(Buffers b, bool training, bool needInputGradient) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            int m = b.Batch * b.Length, ahead = PlanesAhead(b.Length);
            for (int c = start; c < end; c++)
            {
                // Σ dy·x̂ = s·(Σ dy·x − μ·Σ dy)
                double dyx = 0, dBeta = 0;
                // With the ReLU after this batch norm, dy is that ReLU's dx, written into the dx plane and read from there.
                float* gradient = b.ReluOutput ? b.DX : b.DY;
                (float scale, float shift) = ScaleAndShift(b, c);
                for (int n = 0; n < b.Batch; n++)
                {
                    Prefetch(b.DY, b, n + ahead, c);
                    Prefetch(b.X, b, n + ahead, c);
                    if (b.ReluOutput) Affine.ReluBackward(Plane(b.X, n, c), scale, shift, Plane(b.DY, n, c), Plane(b.DX, n, c));
                    (float s, float sx) = FusedPasses.SumAndDot(Plane(gradient, n, c), Plane(b.X, n, c));
                    dBeta += s;
                    dyx += sx;
                }
                float mean = b.Mean[c], invStd = b.InvStd[c];
                double dGamma = invStd * (dyx - mean * dBeta);
                b.DGamma[c] = (float)dGamma;
                b.DBeta[c] = (float)dBeta;
                if (!needInputGradient) continue;
                float k = b.Gamma[c] * invStd;
                // training: dx = k·dy + a·x + d with a = −k·s·dγ/M, d = −k·dβ/M − a·μ
                float a = training ? (float)(-k * invStd * dGamma / m) : 0f;
                float d = training ? (float)(-k * dBeta / m - a * mean) : 0f;
                for (int n = 0; n < b.Batch; n++)
                {
                    Prefetch(b.DY, b, n + ahead, c);
                    Prefetch(b.X, b, n + ahead, c);
                    Prefetch(b.DX, b, n + ahead, c);
                    var dx = Plane(b.DX, n, c);
                    if (training) FusedPasses.Combine(Plane(gradient, n, c), k, Plane(b.X, n, c), a, d, dx);
                    else TensorPrimitives.Multiply(Plane(gradient, n, c), k, dx);
                    if (b.ReluInput) Activations.LeakyReluBackwardSerial(Plane(b.X, n, c), dx, 0f, dx);
                }
            }
        }

        private Span<float> Plane(float* p, int n, int c) => new(p + ((long)n * b.Channels + c) * b.Length, b.Length);
    }

    /// <summary>Scalar reference twin of <see cref="Forward"/> (double accumulation; mean and invStd [C] out).</summary>
    public static void ForwardReference(ReadOnlySpan<float> x, int batch, int channels, int length, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta, Span<float> runningMean, Span<float> runningVar, float momentum, float epsilon, bool training,
        Span<float> mean, Span<float> invStd, Span<float> y)
    {
        int m = batch * length;
        for (int c = 0; c < channels; c++)
        {
            double mu = runningMean[c], variance = runningVar[c];
            if (training)
            {
                double sum = 0, sq = 0;
                for (int n = 0; n < batch; n++) for (int l = 0; l < length; l++) sum += x[(n * channels + c) * length + l];
                mu = sum / m;
                for (int n = 0; n < batch; n++) for (int l = 0; l < length; l++) sq += Math.Pow(x[(n * channels + c) * length + l] - mu, 2);
                variance = sq / m;
                runningMean[c] = (float)((1 - momentum) * runningMean[c] + momentum * mu);
                runningVar[c] = (float)((1 - momentum) * runningVar[c] + momentum * (m > 1 ? sq / (m - 1) : variance));
            }
            mean[c] = (float)mu;
            invStd[c] = (float)(1 / Math.Sqrt(variance + epsilon));
            for (int n = 0; n < batch; n++)
                for (int l = 0; l < length; l++)
                {
                    int i = (n * channels + c) * length + l;
                    y[i] = (float)(gamma[c] * (x[i] - mu) * invStd[c] + beta[c]);
                }
        }
    }

    /// <summary>Scalar reference twin of <see cref="Backward"/>, from the mean and invStd Forward wrote.</summary>
    public static void BackwardReference(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int batch, int channels, int length,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd, bool training, Span<float> dGamma,
        Span<float> dBeta, Span<float> dx)
    {
        int m = batch * length;
        for (int c = 0; c < channels; c++)
        {
            double g = 0, bsum = 0;
            for (int n = 0; n < batch; n++)
                for (int l = 0; l < length; l++)
                {
                    int i = (n * channels + c) * length + l;
                    g += dy[i] * (x[i] - mean[c]) * invStd[c];
                    bsum += dy[i];
                }
            dGamma[c] = (float)g;
            dBeta[c] = (float)bsum;
            for (int n = 0; n < batch; n++)
                for (int l = 0; l < length; l++)
                {
                    int i = (n * channels + c) * length + l;
                    double xHat = (x[i] - mean[c]) * invStd[c];
                    double k = gamma[c] * invStd[c];
                    dx[i] = (float)(training ? k * (dy[i] - bsum / m - xHat * g / m) : k * dy[i]);
                }
        }
    }
}
