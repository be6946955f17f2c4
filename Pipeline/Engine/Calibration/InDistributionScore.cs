namespace MlNetFashion.Engine.Calibration;

/// <summary>How an image becomes one in-distribution score, from its raw logits z (the exported graph's "logits") or its features:
/// higher = more like the training images.</summary>
public enum InDistributionScoreKind
{
    /// <summary>log Σ_k exp(z_k): the negative free energy (Liu et al., 2020).</summary>
    Energy,

    /// <summary>max_k z_k (Hendrycks et al., 2022).</summary>
    MaxLogit,

    /// <summary>max_k softmax(z)_k (Hendrycks and Gimpel, 2017): the baseline.</summary>
    MaxProbability,

    /// <summary>The distance of the image's internal features from the training images' (<see cref="Calibration.FeatureDistance"/>):
    /// computed by the graph, not from the logits.</summary>
    FeatureDistance,

    /// <summary>The feature distance plus the energy, each standardized on held-out images (<see cref="EnergyCombination"/>):
    /// computed by the graph.</summary>
    FeatureDistanceAndEnergy,
}

/// <summary>The scores of <see cref="InDistributionScoreKind"/> and the threshold that accepts a chosen share of held-out images.</summary>
public static class InDistributionScore
{
    /// <summary>The share of in-distribution images a threshold is chosen to accept.</summary>
    public const double DefaultTrueAcceptRate = 0.95;

    /// <summary>The names written into ONNX metadata ("ood_score"): one per kind, snake_case as ONNX metadata keys are.</summary>
    public static string Name(InDistributionScoreKind kind) => kind switch
    {
        InDistributionScoreKind.Energy => "energy",
        InDistributionScoreKind.MaxLogit => "max_logit",
        InDistributionScoreKind.MaxProbability => "max_probability",
        InDistributionScoreKind.FeatureDistance => "feature_distance",
        InDistributionScoreKind.FeatureDistanceAndEnergy => "feature_distance_energy",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The kind a metadata name stands for; null when the name is none of them.</summary>
    public static InDistributionScoreKind? Parse(string? name) =>
        Enum.GetValues<InDistributionScoreKind>().Cast<InDistributionScoreKind?>().FirstOrDefault(k => Name(k!.Value) == name);

    /// <summary>True for the kinds computed from the logits alone (all but the feature distance's, which the graph computes).</summary>
    public static bool FromLogits(InDistributionScoreKind kind) =>
        kind is not (InDistributionScoreKind.FeatureDistance or InDistributionScoreKind.FeatureDistanceAndEnergy);

    /// <summary>The score of one image's logits.</summary>
    public static double Of(InDistributionScoreKind kind, ReadOnlySpan<float> logits)
    {
        if (!FromLogits(kind))
            throw new ArgumentException($"In-distribution score: {Name(kind)} is computed from features, not logits.", nameof(kind));
        if (logits.IsEmpty) throw new ArgumentException("In-distribution score: expected at least one logit. Received none.",
            nameof(logits));
        double max = double.NegativeInfinity;
        foreach (float v in logits) max = Math.Max(max, v);
        return kind switch
        {
            InDistributionScoreKind.Energy => TemperatureScaling.LogSumExp(logits),
            InDistributionScoreKind.MaxLogit => max,
            InDistributionScoreKind.MaxProbability => Math.Exp(max - TemperatureScaling.LogSumExp(logits)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    /// <summary>The scores of logits [n, classes], one per image.</summary>
    public static double[] Of(InDistributionScoreKind kind, ReadOnlySpan<float> logits, int classes)
    {
        var scores = new double[logits.Length / classes];
        for (int n = 0; n < scores.Length; n++) scores[n] = Of(kind, logits.Slice(n * classes, classes));
        return scores;
    }

    /// <summary>
    /// The threshold t that a new image drawn like the held-out ones passes (score ≥ t) with probability ≥
    /// <paramref name="acceptRate"/>: the k-th smallest of the n <paramref name="scores"/>, k = ⌊(1 − rate)·(n + 1)⌋, the
    /// split-conformal quantile. A new score ranks anywhere among the n + 1 alike, so it passes the k-th smallest with
    /// probability (n + 1 − k)/(n + 1); the plain sample quantile, ⌊(1 − rate)·n⌋ + 1, gives 19/21 = 90.5 % on 20 scores.
    /// Under 1/(1 − rate) − 1 scores (19 at 95 %) no k reaches the rate and the smallest is taken: n/(n + 1).
    /// </summary>
    public static double Threshold(IReadOnlyList<double> scores, double acceptRate = DefaultTrueAcceptRate)
    {
        if (scores.Count == 0) throw new ArgumentException("In-distribution threshold: expected held-out scores. Received none.",
            nameof(scores));
        if (!(acceptRate > 0 && acceptRate <= 1))
            throw new ArgumentOutOfRangeException(nameof(acceptRate), acceptRate, "expected a share in (0, 1]");
        double[] sorted = [.. scores.Order()];
        int k = (int)Math.Floor((1 - acceptRate) * (sorted.Length + 1));
        return sorted[Math.Clamp(k - 1, 0, sorted.Length - 1)];
    }
}
