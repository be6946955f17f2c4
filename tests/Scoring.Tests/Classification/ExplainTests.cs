using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Tests.Classification;

public class ExplainTests
{
    private static readonly Lazy<FashionClassifier> LazyClassifier = new(() => FashionClassifier.Load(TrainedModel.Onnx));
    private static FashionClassifier Classifier => LazyClassifier.Value;

    [Fact]
    public void ExplainPixels_RealTestImage_HeatMapOf28By28WithTheSamePrediction()
    {
        byte[] pixels = TrainedModel.Test.Image(0).ToArray();

        Explanation e = Classifier.ExplainPixels(pixels);

        Assert.Equal(28 * 28, e.Heat.Length);
        Assert.Equal(Classifier.PredictPixels(pixels).LabelIndex, e.Prediction.LabelIndex);
        Assert.Contains(e.Heat, h => h != 0);
        Assert.Equal(pixels, e.Input);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void ExplainPixels_OccludingHottestPatch_LowersPredictedClassProbability(int index)
    {
        byte[] pixels = TrainedModel.Test.Image(index).ToArray();
        Explanation e = Classifier.ExplainPixels(pixels);
        int k = e.Prediction.LabelIndex;

        // The 4×4 patch (on the explanation's stride-2 grid) with the largest summed heat, blanked.
        (int top, int left) = Enumerable.Range(0, 13 * 13).Select(p => (Top: p / 13 * 2, Left: p % 13 * 2))
            .MaxBy(p => Enumerable.Range(0, 16).Sum(i => e.Heat[(p.Top + i / 4) * 28 + p.Left + i % 4]));
        byte[] occluded = (byte[])pixels.Clone();
        for (int y = top; y < top + 4; y++) Array.Clear(occluded, y * 28 + left, 4);

        Assert.True(Classifier.PredictPixels(occluded).Probabilities[k] < e.Prediction.Probabilities[k]);
    }

    [Fact]
    public void EncodePng_HeatMap_DecodesAt8TimesTheSize()
    {
        byte[] pixels = TrainedModel.Test.Image(0).ToArray();
        Explanation e = Classifier.ExplainPixels(pixels);

        using var bitmap = SkiaSharp.SKBitmap.Decode(HeatMapImage.EncodePng(e.Input, e.Heat));

        Assert.Equal(28 * HeatMapImage.Scale, bitmap.Width);
        Assert.Equal(28 * HeatMapImage.Scale, bitmap.Height);
    }
}
