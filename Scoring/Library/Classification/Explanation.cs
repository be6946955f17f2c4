namespace MlNetFashion.Scoring.Classification;

/// <summary>
/// What a prediction rests on: <see cref="Heat"/> [28 × 28], row-major over the 28×28 input the model saw; a pixel's
/// heat is how much more the predicted class's log-probability drops, on average, under the random occlusion masks
/// that blank it than under those that keep it (RISE). Positive: the pixel supports the prediction; negative: hiding it makes
/// the class more likely; 0 on the background.
/// </summary>
public sealed record Explanation(Prediction Prediction, float[] Heat, byte[] Input)
{
    public const int Size = 28;
}
