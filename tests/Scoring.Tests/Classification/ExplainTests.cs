using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Tests.Classification;

public class ExplainTests
{
    private static FashionClassifier Classifier => TrainedModel.Classifier;

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

    [Fact]
    public void ExplainPixels_EachPixel_MeanLogProbabilityDropUnderMasksBlankingItMinusKeepingItAndZeroOnBackground()
    {
        byte[] pixels = TrainedModel.Test.Image(3).ToArray();
        Explanation e = Classifier.ExplainPixels(pixels);
        int k = e.Prediction.LabelIndex;
        float[] drops = [.. FashionClassifier.OcclusionMaskPixels.Select(mask =>
        {
            byte[] copy = (byte[])pixels.Clone();
            foreach (int p in mask) copy[p] = 0;
            return MathF.Log(e.Prediction.Probabilities[k]) - MathF.Log(Math.Max(Classifier.PredictPixels(copy).Probabilities[k], 1e-30f));
        })];

        for (int p = 0; p < 28 * 28; p++)
        {
            bool[] blanks = [.. FashionClassifier.OcclusionMaskPixels.Select(mask => mask.Contains(p))];
            float blanked = drops.Where((_, m) => blanks[m]).Average(), kept = drops.Where((_, m) => !blanks[m]).Average();
            Assert.Equal(pixels[p] == 0 ? 0 : blanked - kept, e.Heat[p], 1e-4f);
        }
        Assert.Contains(pixels, v => v == 0);
    }

    [Fact]
    public void OcclusionMaskPixels_EveryPixel_BlankedBySomeMasksAndKeptByOthers()
    {
        int[][] masks = FashionClassifier.OcclusionMaskPixels;

        Assert.Equal(FashionClassifier.OcclusionMasks, masks.Length);
        for (int p = 0; p < 28 * 28; p++) Assert.InRange(masks.Count(m => m.Contains(p)), 1, masks.Length - 1);
        Assert.InRange(masks.Average(m => m.Length) / (28 * 28), FashionClassifier.OcclusionBlankFraction - 0.02,
            FashionClassifier.OcclusionBlankFraction + 0.02);
    }

    [Fact]
    public void ExplainPixels_HottestFifthDeleted_LowersPredictedClassMoreThanARandomFifthOnMostImages()
    {
        const int images = 40, removed = 28 * 28 / 5;
        var random = new Random(20);
        int holds = 0;
        for (int i = 0; i < images; i++)
        {
            byte[] pixels = TrainedModel.Test.Image(i).ToArray();
            Explanation e = Classifier.ExplainPixels(pixels);
            int k = e.Prediction.LabelIndex;
            byte[] salient = (byte[])pixels.Clone(), randomly = (byte[])pixels.Clone();
            foreach (int p in Enumerable.Range(0, 28 * 28).OrderByDescending(p => e.Heat[p]).Take(removed)) salient[p] = 0;
            foreach (int p in Enumerable.Range(0, 28 * 28).OrderBy(_ => random.Next()).Take(removed)) randomly[p] = 0;
            // The larger drop from the same original probability is the lower probability left.
            if (Classifier.PredictPixels(salient).Probabilities[k] < Classifier.PredictPixels(randomly).Probabilities[k]) holds++;
        }

        Assert.True(holds >= images * 8 / 10, $"the deletion test holds on {holds} of {images} images");
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
