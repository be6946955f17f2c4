using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Row-wise softmax with cross-entropy against label-smoothed targets, logits z [N, K]:
/// p = exp(z − max z) / Σ exp(z − max z); t = (1 − ε)·onehot(label) + ε/K;
/// loss of a row = −Σₖ tₖ·log pₖ = logsumexp(z) − (1 − ε)·z_label − (ε/K)·Σₖ zₖ (since Σ t = 1);
/// gradient = scale·(p − t). With CutMix's second labels b and share λ the target is λ·t(label) + (1 − λ)·t(b), whose
/// label term is (1 − ε)·(λ·z_label + (1 − λ)·z_b).
/// </summary>
public static class SoftmaxCrossEntropyKernel
{
    /// <summary>
    /// Writes p [N, K]; returns the summed (not averaged) loss of the N rows, against targets mixed with
    /// <paramref name="mixedLabels"/> by <paramref name="mix"/> = λ (the labels alone when it is empty).
    /// </summary>
    public static double Forward(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, ReadOnlySpan<int> mixedLabels, float mix,
        int classes, float labelSmoothing, Span<float> probabilities)
    {
        double total = 0;
        for (int n = 0; n < labels.Length; n++)
        {
            int label = labels[n];
            if ((uint)label >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(labels), label, $"SoftmaxCrossEntropy: expected labels in 0..{classes - 1}.");
            if (!mixedLabels.IsEmpty && (uint)mixedLabels[n] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(mixedLabels), mixedLabels[n],
                    $"SoftmaxCrossEntropy: expected mixed labels in 0..{classes - 1}.");
            ReadOnlySpan<float> z = logits.Slice(n * classes, classes);
            Span<float> p = probabilities.Slice(n * classes, classes);
            float max = TensorPrimitives.Max(z);
            TensorPrimitives.Subtract(z, max, p);
            TensorPrimitives.Exp(p, p);
            double sum = TensorPrimitives.Sum(p);
            TensorPrimitives.Multiply(p, (float)(1 / sum), p);
            double logSumExp = max + Math.Log(sum);
            double own = mixedLabels.IsEmpty
                ? (1 - labelSmoothing) * z[label]
                : (1 - labelSmoothing) * (mix * (double)z[label] + (1 - mix) * (double)z[mixedLabels[n]]);
            total += logSumExp - own - labelSmoothing / classes * (double)TensorPrimitives.Sum(z);
        }
        return total;
    }

    /// <summary>gradient [N, K] = scale·(p − t), the targets mixed as in <see cref="Forward"/>.</summary>
    public static void Backward(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, ReadOnlySpan<int> mixedLabels, float mix,
        int classes, float labelSmoothing, float scale, Span<float> gradient)
    {
        float off = labelSmoothing / classes;
        for (int n = 0; n < labels.Length; n++)
        {
            Span<float> g = gradient.Slice(n * classes, classes);
            TensorPrimitives.Subtract(probabilities.Slice(n * classes, classes), off, g);
            if (mixedLabels.IsEmpty) g[labels[n]] -= 1 - labelSmoothing;
            else
            {
                g[labels[n]] -= (1 - labelSmoothing) * mix;
                g[mixedLabels[n]] -= (1 - labelSmoothing) * (1 - mix);
            }
            TensorPrimitives.Multiply(g, scale, g);
        }
    }

    /// <summary>Scalar reference twin of <see cref="Forward"/> (double throughout).</summary>
    public static double ForwardReference(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, ReadOnlySpan<int> mixedLabels, float mix,
        int classes, float labelSmoothing, Span<float> probabilities)
    {
        double total = 0;
        for (int n = 0; n < labels.Length; n++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int k = 0; k < classes; k++) max = Math.Max(max, logits[n * classes + k]);
            for (int k = 0; k < classes; k++) sum += Math.Exp(logits[n * classes + k] - max);
            for (int k = 0; k < classes; k++)
            {
                double logP = logits[n * classes + k] - max - Math.Log(sum);
                probabilities[n * classes + k] = (float)Math.Exp(logP);
                double target = Target(labels, mixedLabels, mix, classes, labelSmoothing, n, k);
                total -= target * logP;
            }
        }
        return total;
    }

    /// <summary>Scalar reference twin of <see cref="Backward"/>.</summary>
    public static void BackwardReference(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, ReadOnlySpan<int> mixedLabels,
        float mix, int classes, float labelSmoothing, float scale, Span<float> gradient)
    {
        for (int n = 0; n < labels.Length; n++)
            for (int k = 0; k < classes; k++)
            {
                double target = Target(labels, mixedLabels, mix, classes, labelSmoothing, n, k);
                gradient[n * classes + k] = (float)(scale * (probabilities[n * classes + k] - target));
            }
    }

    /// <summary>tₙₖ = (1 − ε)·(λ·[k = label] + (1 − λ)·[k = mixed label]) + ε/K, written out per class.</summary>
    private static double Target(ReadOnlySpan<int> labels, ReadOnlySpan<int> mixedLabels, float mix, int classes, float labelSmoothing,
        int n, int k)
    {
        double own = mixedLabels.IsEmpty
            ? (k == labels[n] ? 1 : 0)
            : (k == labels[n] ? mix : 0) + (k == mixedLabels[n] ? 1.0 - mix : 0);
        return (1 - labelSmoothing) * own + labelSmoothing / (double)classes;
    }
}
