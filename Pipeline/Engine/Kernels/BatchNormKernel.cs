using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Batch normalization over x [N, C, L] per channel c (L = H·W, or 1 for features):
/// training: μ, σ² (biased) of the N·L values; x̂ = (x − μ)/√(σ² + ε); y = γ·x̂ + β; running ← (1−m)·running + m·batch
/// (unbiased σ² for the running variance, as PyTorch). Eval uses the running statistics.
/// Backward (training): dγ = Σ dy·x̂, dβ = Σ dy, dx = γ/(M·√(σ²+ε)) · (M·dy − dβ − x̂·dγ), M = N·L.
/// Backward (eval): dx = γ·dy/√(running σ² + ε).
/// </summary>
public static unsafe class BatchNormKernel
{
    public struct Buffers
    {
        public float* X, Y, XHat, Gamma, Beta, RunningMean, RunningVar, InvStd, DGamma, DBeta, DY, DX;
        public int Batch, Channels, Length;
        public float Momentum, Epsilon;
    }

    public static void Forward(Buffers b, bool training) => Parallelism.For(b.Channels, new ForwardBody(b, training));

    public static void Backward(Buffers b, bool training, bool needInputGradient) => Parallelism.For(b.Channels, new BackwardBody(b, training, needInputGradient));

    private readonly struct ForwardBody(Buffers b, bool training) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            int m = b.Batch * b.Length;
            for (int c = start; c < end; c++)
            {
                float mean, invStd;
                if (training)
                {
                    // Per-plane float sums (SIMD), accumulated across planes in double: var = E[x²] − μ².
                    double sum = 0, sumSq = 0;
                    for (int n = 0; n < b.Batch; n++)
                    {
                        var x = Plane(b.X, n, c);
                        sum += TensorPrimitives.Sum(x);
                        sumSq += TensorPrimitives.SumOfSquares(x);
                    }
                    double meanD = sum / m;
                    mean = (float)meanD;
                    sumSq = Math.Max(0, sumSq - m * meanD * meanD);
                    double variance = sumSq / m;
                    invStd = (float)(1 / Math.Sqrt(variance + b.Epsilon));
                    b.RunningMean[c] = (1 - b.Momentum) * b.RunningMean[c] + b.Momentum * mean;
                    double unbiased = m > 1 ? sumSq / (m - 1) : variance;
                    b.RunningVar[c] = (float)((1 - b.Momentum) * b.RunningVar[c] + b.Momentum * unbiased);
                }
                else
                {
                    mean = b.RunningMean[c];
                    invStd = (float)(1 / Math.Sqrt(b.RunningVar[c] + b.Epsilon));
                }
                b.InvStd[c] = invStd;
                float scale = b.Gamma[c] * invStd, shift = b.Beta[c] - mean * scale;
                for (int n = 0; n < b.Batch; n++)
                {
                    var x = Plane(b.X, n, c);
                    var xHat = Plane(b.XHat, n, c);
                    // x̂ = x·invStd − μ·invStd; y = γ·x̂ + β
                    TensorPrimitives.Multiply(x, invStd, xHat);
                    TensorPrimitives.Add(xHat, -mean * invStd, xHat);
                    var y = Plane(b.Y, n, c);
                    TensorPrimitives.Multiply(x, scale, y);
                    TensorPrimitives.Add(y, shift, y);
                }
            }
        }

        private Span<float> Plane(float* p, int n, int c) => new(p + ((long)n * b.Channels + c) * b.Length, b.Length);
    }

    private readonly struct BackwardBody(Buffers b, bool training, bool needInputGradient) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            int m = b.Batch * b.Length;
            for (int c = start; c < end; c++)
            {
                double dGamma = 0, dBeta = 0;
                for (int n = 0; n < b.Batch; n++)
                {
                    var dy = Plane(b.DY, n, c);
                    dGamma += TensorPrimitives.Dot(dy, Plane(b.XHat, n, c));
                    dBeta += TensorPrimitives.Sum(dy);
                }
                b.DGamma[c] = (float)dGamma;
                b.DBeta[c] = (float)dBeta;
                if (!needInputGradient) continue;
                float k = b.Gamma[c] * b.InvStd[c];
                for (int n = 0; n < b.Batch; n++)
                {
                    var dx = Plane(b.DX, n, c);
                    if (training)
                    {
                        // dx = k·(dy − dβ/M − x̂·dγ/M)
                        TensorPrimitives.MultiplyAdd(Plane(b.XHat, n, c), (float)(-dGamma / m), Plane(b.DY, n, c), dx);
                        TensorPrimitives.Add(dx, (float)(-dBeta / m), dx);
                        TensorPrimitives.Multiply(dx, k, dx);
                    }
                    else TensorPrimitives.Multiply(Plane(b.DY, n, c), k, dx);
                }
            }
        }

        private Span<float> Plane(float* p, int n, int c) => new(p + ((long)n * b.Channels + c) * b.Length, b.Length);
    }
}
