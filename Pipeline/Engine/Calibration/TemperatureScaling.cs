namespace MlNetFashion.Engine.Calibration;

/// <summary>
/// Temperature scaling (Guo et al., 2017): one T &gt; 0 for all classes, p = softmax(z / T), chosen to minimise the
/// cross-entropy against held-out labels, with Platt's targets (<see cref="TrueClassTarget"/>). Dividing every logit by
/// the same T keeps the argmax, so accuracy is unchanged; T &gt; 1 softens over-confident probabilities.
/// </summary>
public static class TemperatureScaling
{
    /// <summary>The range searched, as T ∈ [1/20, 20]: wider than any network we train needs.</summary>
    public const double MinTemperature = 0.05, MaxTemperature = 20;

    /// <summary>
    /// Platt's (1999) target for the labelled class of each of <paramref name="heldOut"/> images, (n + 1) / (n + 2); the
    /// other classes share the rest. With targets of 1, a held-out set the model gets all right has no best T: the
    /// likelihood grows as T → 0, and the fit would end at the search's bound with confidences of 100 % on whatever the
    /// model sees next (a small data set's 100 held-out images are often all right). With these, a chance of error of about
    /// 1/(n + 2) is left; on thousands of images T moves by little.
    /// </summary>
    public static double TrueClassTarget(int heldOut) => (heldOut + 1.0) / (heldOut + 2.0);

    /// <summary>
    /// The T minimising <see cref="CrossEntropy"/> against <see cref="TrueClassTarget"/> over <paramref name="logits"/>
    /// [n, classes] and their <paramref name="labels"/>: golden-section search on log T (the cross-entropy is convex in
    /// 1/T, so unimodal in log T).
    /// </summary>
    public static double Fit(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes)
    {
        Check(logits, labels, classes);
        if (labels.Length == 0) throw new ArgumentException("Temperature scaling: expected at least one held-out image. Received none.",
            nameof(labels));
        double target = TrueClassTarget(labels.Length);
        double invPhi = (Math.Sqrt(5) - 1) / 2;
        double a = Math.Log(MinTemperature), b = Math.Log(MaxTemperature);
        double c = b - invPhi * (b - a), d = a + invPhi * (b - a);
        double fc = CrossEntropy(logits, labels, classes, Math.Exp(c), target);
        double fd = CrossEntropy(logits, labels, classes, Math.Exp(d), target);
        // 60 steps shrink the interval by 0.618^60 ≈ 3e-13 of its width: far below float rounding of the logits.
        for (int step = 0; step < 60; step++)
        {
            if (fc <= fd)
            {
                (b, d, fd) = (d, c, fc);
                c = b - invPhi * (b - a);
                fc = CrossEntropy(logits, labels, classes, Math.Exp(c), target);
            }
            else
            {
                (a, c, fc) = (c, d, fd);
                d = a + invPhi * (b - a);
                fd = CrossEntropy(logits, labels, classes, Math.Exp(d), target);
            }
        }
        return Math.Exp((a + b) / 2);
    }

    /// <summary>Mean −log softmax(z / T)[label] over the images, in double: −(z_y/T − logsumexp(z/T)).</summary>
    public static double NegativeLogLikelihood(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes, double temperature)
        => CrossEntropy(logits, labels, classes, temperature, 1);

    /// <summary>
    /// Mean −Σ_k t_k log softmax(z / T)_k over the images, in double, with t = <paramref name="target"/> for the label and
    /// (1 − t) / (classes − 1) for each other class: logsumexp(z/T) − Σ_k t_k z_k / T.
    /// </summary>
    public static double CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes, double temperature,
        double target)
    {
        Check(logits, labels, classes);
        double other = classes == 1 ? 0 : (1 - target) / (classes - 1);
        double sum = 0;
        for (int n = 0; n < labels.Length; n++)
        {
            ReadOnlySpan<float> z = logits.Slice(n * classes, classes);
            double all = 0;
            foreach (float v in z) all += v;
            double expected = target * z[labels[n]] + other * (all - z[labels[n]]);
            sum += LogSumExp(z, temperature) - expected / temperature;
        }
        return labels.Length == 0 ? 0 : sum / labels.Length;
    }

    /// <summary>probabilities [n, classes] = softmax(logits / T) per row, in double then rounded to float.</summary>
    public static void Softmax(ReadOnlySpan<float> logits, int classes, double temperature, Span<float> probabilities)
    {
        if (classes <= 0 || logits.Length % classes != 0 || probabilities.Length < logits.Length)
            throw new ArgumentException(
                $"Softmax: expected logits [n, {classes}] and as many probabilities. Received {logits.Length} and {probabilities.Length}.");
        for (int n = 0; n < logits.Length / classes; n++)
        {
            ReadOnlySpan<float> z = logits.Slice(n * classes, classes);
            double lse = LogSumExp(z, temperature);
            for (int k = 0; k < classes; k++) probabilities[n * classes + k] = (float)Math.Exp(z[k] / temperature - lse);
        }
    }

    /// <summary>
    /// softmax(z) per row from <paramref name="probabilities"/> = softmax(z / T): log p = z / T − log Σ exp(z / T), so
    /// T · log p is z shifted by a constant, which softmax ignores. A probability that rounded to 0 stays 0.
    /// </summary>
    public static void Unscale(ReadOnlySpan<float> probabilities, int classes, double temperature, Span<float> unscaled)
    {
        if (classes <= 0 || probabilities.Length % classes != 0 || unscaled.Length < probabilities.Length)
            throw new ArgumentException(
                $"Unscale: expected probabilities [n, {classes}] and as many outputs. "
                + $"Received {probabilities.Length} and {unscaled.Length}.");
        Span<double> logits = classes <= 256 ? stackalloc double[classes] : new double[classes];
        for (int n = 0; n < probabilities.Length / classes; n++)
        {
            ReadOnlySpan<float> p = probabilities.Slice(n * classes, classes);
            double max = double.NegativeInfinity;
            for (int k = 0; k < classes; k++) max = Math.Max(max, logits[k] = temperature * Math.Log(p[k]));
            double sum = 0;
            for (int k = 0; k < classes; k++) sum += logits[k] = Math.Exp(logits[k] - max);
            for (int k = 0; k < classes; k++) unscaled[n * classes + k] = (float)(logits[k] / sum);
        }
    }

    /// <summary>log Σ exp(z_k / T), shifted by the maximum so no term overflows.</summary>
    public static double LogSumExp(ReadOnlySpan<float> z, double temperature = 1)
    {
        double max = double.NegativeInfinity;
        foreach (float v in z) max = Math.Max(max, v / temperature);
        double sum = 0;
        foreach (float v in z) sum += Math.Exp(v / temperature - max);
        return max + Math.Log(sum);
    }

    private static void Check(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes)
    {
        if (classes <= 0 || logits.Length != labels.Length * classes)
            throw new ArgumentException($"Temperature scaling: expected {labels.Length} × {classes} logits. Received {logits.Length}.",
                nameof(logits));
    }
}
