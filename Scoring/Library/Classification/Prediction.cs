namespace MlNetFashion.Scoring.Classification;

/// <summary>One classified image: the label, its index 0..9, the confidence and all ten probabilities.</summary>
public sealed record Prediction(string Label, int LabelIndex, float Confidence, float[] Probabilities);
