namespace MlNetFashion.Scoring.Classification;

/// <summary>
/// What a prediction rests on: <see cref="Heat"/> [28 × 28], row-major over the 28×28 input the model saw; a pixel's
/// heat is the mean drop in the predicted class's probability when a patch covering it is blanked (occlusion
/// sensitivity). Positive: the pixel supports the prediction; negative: hiding it makes the class more likely.
/// </summary>
public sealed record Explanation(Prediction Prediction, float[] Heat, byte[] Input)
{
    public const int Size = 28;
}
