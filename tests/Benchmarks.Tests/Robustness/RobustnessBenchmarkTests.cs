using MlNetFashion.Benchmarks.Robustness;
using MlNetFashion.Benchmarks.Tests.Operations;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Tests.Shared;
using SkiaSharp;

namespace MlNetFashion.Benchmarks.Tests.Robustness;

public sealed class RobustnessBenchmarkTests() : TempFolderTests("robustness-bench-")
{
    [Fact]
    public void Robustness_FewImages_OneAccuracyPerDeliveryThePlainOneAsRawPixels()
    {
        string model = BatchScoringBenchmarkTests.SmallModel(Folder);   // untrained: chance accuracy, but it scores like any model
        var (exit, output, error) = Cli.Run("robustness", "--model", model, "--images", "6");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        string[] lines = output.Trim().Split('\n');
        Assert.Equal(3 + Enum.GetValues<Delivery>().Length, lines.Length);
        Assert.Equal("held out (never tuned on):", lines[2 + (int)GarmentRenderer.FirstHeldOut]);
        foreach (Delivery delivery in Enum.GetValues<Delivery>())
            Assert.Contains(lines, l => l.StartsWith(delivery + " ", StringComparison.Ordinal));

        // The plain rendering goes through PNG and the preprocessor untouched: the raw pixels' accuracy exactly.
        FashionMnistSplit test = FashionMnist.LoadSplit(DataLocator.Locate(null), "t10k").Take(6);
        using var classifier = FashionClassifier.Load(model);
        int right = Enumerable.Range(0, 6).Count(i => classifier.PredictPixels(test.Image(i)).LabelIndex == test.Labels[i]);
        var results = RobustnessBenchmark.Run(model, images: 6, output: TextWriter.Null);
        Assert.Equal(right, results[0].Correct);
        Assert.All(results, r => Assert.Equal(6, r.Images));
        Assert.Equal(results, RobustnessBenchmark.Run(model, images: 6, output: TextWriter.Null));   // seeded: the same again
    }

    [Fact]
    public void Robustness_MissingModel_OneErrorLine()
    {
        string missing = Path.Combine(Folder, "nope.onnx");
        var (exit, _, error) = Cli.Run("robustness", "--model", missing);
        Assert.Equal(1, exit);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("nope.onnx", error);
    }

    [Theory]
    [InlineData(new[] { "robustness", "--images", "5" }, "robustness: --model FILE is required")]
    [InlineData(new[] { "robustness", "--model", "m.onnx", "--images", "0" }, "--images expects a positive whole number, received '0'")]
    [InlineData(new[] { "robustness", "--model", "m.onnx", "--seed", "1" }, "robustness: unrecognized argument '--seed'")]
    public void Robustness_BadArguments_OneErrorLine(string[] args, string message)
    {
        var (exit, _, error) = Cli.Run(args);
        Assert.Equal(1, exit);
        Assert.Contains(message, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData(Delivery.Catalog, SKEncodedImageFormat.Jpeg)]
    [InlineData(Delivery.NoisyLowQuality, SKEncodedImageFormat.Jpeg)]
    [InlineData(Delivery.ExifRotated, SKEncodedImageFormat.Jpeg)]
    [InlineData(Delivery.TransparentCutOut, SKEncodedImageFormat.Png)]
    [InlineData(Delivery.SmallOffCentre, SKEncodedImageFormat.Jpeg)]
    [InlineData(Delivery.PhoneCanvas, SKEncodedImageFormat.Jpeg)]
    [InlineData(Delivery.SoftShadow, SKEncodedImageFormat.Jpeg)]
    [InlineData(Delivery.WebP, SKEncodedImageFormat.Webp)]
    public void Render_EachDelivery_DecodableInItsFormat(Delivery delivery, SKEncodedImageFormat format)
    {
        FashionMnistSplit test = FashionMnist.LoadSplit(DataLocator.Locate(null), "t10k").Take(1);
        byte[] encoded = GarmentRenderer.Render(test.Image(0), delivery, new Random(3));
        using var codec = SKCodec.Create(new MemoryStream(encoded));
        Assert.Equal(format, codec.EncodedFormat);
        if (delivery == Delivery.ExifRotated) Assert.NotEqual(SKEncodedOrigin.TopLeft, codec.EncodedOrigin);
        if (delivery == Delivery.SmallOffCentre) Assert.Equal((1000, 750), (codec.Info.Width, codec.Info.Height));
        if (delivery == Delivery.PhoneCanvas) Assert.Equal((2016, 1512), (codec.Info.Width, codec.Info.Height));
        if (delivery == Delivery.TransparentCutOut)
        {
            using var bitmap = SKBitmap.Decode(encoded);
            Assert.Equal(0, bitmap.GetPixel(0, 0).Alpha);
        }
    }
}
