namespace MlNetFashion.Scoring.Classification;

/// <summary>
/// One classified image: the label (the model's own class name), its index 0 … K−1 in the classifier's
/// <see cref="FashionClassifier.Classes"/>, the confidence and all K probabilities.
/// </summary>
public sealed record Prediction(string Label, int LabelIndex, float Confidence, float[] Probabilities)
{
    /// <summary>The verdicts of <see cref="Verdict"/> for a Fashion-MNIST model.</summary>
    public const string KnownClassVerdict = "garment", UnknownClassVerdict = "not a garment";

    /// <summary>The verdicts of <see cref="Verdict"/> for a model of the user's own classes, whatever they are.</summary>
    public const string KnownOwnClassVerdict = "one of the classes", UnknownOwnClassVerdict = "none of the classes";

    /// <summary>
    /// How much the image looks like the training images, from the raw logits (the model's "ood_score", energy
    /// log Σ exp(z) by default): higher is more like them.
    /// </summary>
    public double InDistributionScore { get; init; }

    /// <summary>
    /// True when the image is one of the model's classes: its <see cref="InDistributionScore"/> reaches the threshold
    /// (the model's, chosen so 95 % of new garments pass, or <see cref="ClassifierOptions.InDistributionThreshold"/>)
    /// and it has a foreground at all. When false, <see cref="Label"/> is still the closest class.
    /// </summary>
    public bool IsKnownClass { get; init; } = true;

    /// <summary>True when the model's classes are the user's own (not Fashion-MNIST's): <see cref="Verdict"/> names no garment.</summary>
    public bool OwnClasses { get; init; }

    /// <summary>"garment" or "not a garment"; for the user's own classes "one of the classes" or "none of the classes".</summary>
    public string Verdict => VerdictOf(OwnClasses, IsKnownClass);

    /// <summary>The <see cref="Verdict"/> of an image that is (<paramref name="known"/>) or is not one of the classes.</summary>
    public static string VerdictOf(bool ownClasses, bool known) => (ownClasses, known) switch
    {
        (false, true) => KnownClassVerdict,
        (false, false) => UnknownClassVerdict,
        (true, true) => KnownOwnClassVerdict,
        (true, false) => UnknownOwnClassVerdict,
    };
}
