namespace MlNetFashion.Engine.Calibration;

/// <summary>An image is in distribution (one of the model's classes) when its <see cref="Score"/> is ≥ <see cref="Threshold"/>.</summary>
public sealed record InDistributionRule(InDistributionScoreKind Score, double Threshold)
{
    public bool Accepts(double score) => score >= Threshold;
}
