namespace MlNetFashion.Scoring.Classification;

/// <summary>
/// One classified image: the label (the model's own class name), its index 0 … K−1 in the classifier's
/// <see cref="FashionClassifier.Classes"/>, the confidence and all K probabilities.
/// </summary>
public sealed record Prediction(string Label, int LabelIndex, float Confidence, float[] Probabilities)
{
    /// <summary>The verdicts of <see cref="Verdict"/>.</summary>
    public const string KnownClassVerdict = "garment", UnknownClassVerdict = "not a garment";

    /// <summary>
    /// How much the image looks like the training images, from the raw logits (the model's "ood_score", energy
    /// log Σ exp(z) by default): higher is more like them.
    /// </summary>
    public double InDistributionScore { get; init; }

    /// <summary>
    /// True when the image is one of the model's classes: its <see cref="InDistributionScore"/> reaches the threshold
    /// (the model's, chosen so 95 % of held-out garments pass, or <see cref="ClassifierOptions.InDistributionThreshold"/>)
    /// and it has a foreground at all. When false, <see cref="Label"/> is still the closest class.
    /// </summary>
    public bool IsKnownClass { get; init; } = true;

    /// <summary>"garment" or "not a garment".</summary>
    public string Verdict => IsKnownClass ? KnownClassVerdict : UnknownClassVerdict;
}
