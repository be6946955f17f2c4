namespace MlNetFashion.Scoring.Classification;

/// <summary>
/// One classified image: the label (the model's own class name), its index 0 … K−1 in the classifier's
/// <see cref="FashionClassifier.Classes"/>, the confidence and all K probabilities.
/// </summary>
public sealed record Prediction(string Label, int LabelIndex, float Confidence, float[] Probabilities);
