using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;

namespace MlNetFashion.Engine.Tests.Augmentation;

public class TestTimeViewsTests
{
    [Fact]
    public void For_CropsAndMirror_GivesTheImageItsMirrorAndTheirOnePixelShifts()
    {
        TestTimeViews views = TestTimeViews.For(new AugmentationOptions(CropPadding: 2, HorizontalFlip: true))!;
        Assert.Equal(10, views.Views.Distinct().Count());
        Assert.Contains(new TestTimeView(false, 0, 0), views.Views);
        Assert.Contains(new TestTimeView(true, 0, 0), views.Views);
        Assert.All(views.Views, v => Assert.Equal(1, Math.Abs(v.Dy) + Math.Abs(v.Dx) + (v.Dy == 0 && v.Dx == 0 ? 1 : 0)));
        Assert.Equal(2, TestTimeViews.For(new AugmentationOptions(HorizontalFlip: true))!.Views.Count);
        Assert.Equal(5, TestTimeViews.For(new AugmentationOptions(CropPadding: 1))!.Views.Count);
    }

    [Fact]
    public void ToString_UnderACultureWithAnotherMinusSign_WritesTheShiftsInvariant()
    {
        // The text goes into the ONNX model's test_time_augmentation metadata; a user's app in sv-SE wrote U+2212 there.
        var culture = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NegativeSign = "\u2212";
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = culture;
        try
        {
            string text = TestTimeViews.For(new AugmentationOptions(CropPadding: 1, HorizontalFlip: true))!.ToString();
            Assert.Contains("image shifted (-1, 0)", text);
            Assert.DoesNotContain("\u2212", text);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void For_NoFlipsOrCrops_IsNull()
    {
        // Erasing is not a view: the image alone is what the model would score anyway.
        Assert.Null(TestTimeViews.For(AugmentationOptions.None));
        Assert.Null(TestTimeViews.For(new AugmentationOptions(ErasingProbability: 0.5f)));
    }

    [Fact]
    public void Predict_IsTheSoftmaxOfTheMeanLogitsOverTheViews()
    {
        Sequential model = Presets.Get("seed004").CreateModel();
        var random = new EngineRandom(21);
        model.Build(4, random);
        const int count = 3, h = 28, w = 28;
        Tensor images = LayerHarness.RandomTensor(count, Presets.Input, random);
        TestTimeViews views = TestTimeViews.For(new AugmentationOptions(CropPadding: 1, HorizontalFlip: true))!;
        var actual = new float[count * 10];
        views.Predict(model, images.Span, count, actual);

        // The views built here by index, independently of Augmenter: out[y, x] = m[y + dy, x + dx], m the image or its mirror.
        var mean = new double[count * 10];
        foreach (TestTimeView v in views.Views)
        {
            var view = new float[count * h * w];
            for (int n = 0; n < count; n++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                    {
                        int sy = y + v.Dy, sx = x + v.Dx;
                        if (sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
                        view[(n * h + y) * w + x] = images.Data[(n * h + sy) * w + (v.Flip ? w - 1 - sx : sx)];
                    }
            var logits = new float[count * 10];
            model.PredictLogits(view, count, logits);
            for (int i = 0; i < mean.Length; i++) mean[i] += logits[i] / (double)views.Views.Count;
        }
        for (int n = 0; n < count; n++)
        {
            double max = Enumerable.Range(0, 10).Max(k => mean[n * 10 + k]),
                sum = Enumerable.Range(0, 10).Sum(k => Math.Exp(mean[n * 10 + k] - max));
            for (int k = 0; k < 10; k++) Assert.Equal(Math.Exp(mean[n * 10 + k] - max) / sum, actual[n * 10 + k], 5);
        }
        // Averaging changed something: a random net is not mirror-invariant.
        var single = new float[count * 10];
        model.Predict(images.Span, count, single);
        Assert.True(single.Zip(actual, (a, b) => Math.Abs(a - b)).Max() > 1e-3);
    }
}
