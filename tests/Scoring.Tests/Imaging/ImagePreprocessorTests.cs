using MlNetFashion.Scoring.Imaging;
using SkiaSharp;

namespace MlNetFashion.Scoring.Tests.Imaging;

public class ImagePreprocessorTests
{
    internal static byte[] Encode(int width, int height, Func<int, int, SKColor> color,
        SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) bitmap.SetPixel(x, y, color(x, y));
        using var data = bitmap.Encode(format, 95);
        return data.ToArray();
    }

    [Fact]
    public void Preprocess_DarkBackground28x28_PassesThroughUnchanged()
    {
        byte[] pixels = TrainedModel.Test.Image(0).ToArray();
        byte[] png = ImagePreprocessor.EncodePng(new GrayImage(28, 28, pixels));
        Assert.Equal(pixels, ImagePreprocessor.Preprocess(png).Pixels);
    }

    [Fact]
    public void Difference_CurvedBackdropPartlyTransparent_BitIdenticalToAtPerPixel()
    {
        const int w = 37, h = 23;
        var random = new Random(5);
        var rgba = new byte[4 * w * h];
        random.NextBytes(rgba);
        ColorImage image = ColorImage.FromRgba8(w, h, rgba);
        var background = new BackgroundModel([200, 150, 90], [-12.5f, 3.25f, 7], [4.5f, -9, 1.75f], 2)
        {
            Curvature = [-30, 12.5f, 6.25f, 8, -14, 3.5f, 21, 2.25f, -5],
        };
        IntensityMap[] difference = ImagePreprocessor.Difference(image, background);
        for (int c = 0; c < 3; c++)
        {
            var expected = new float[w * h];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    expected[y * w + x] = image[x, y, 3] / 255f * (image[x, y, c] - background.At(x, y, w, h, c));
            Assert.Equal(expected, difference[c].Values);
        }
    }

    /// <summary>scikit-learn's first digit, a "0" (values 0–16): a ring that touches the top and bottom rows.</summary>
    private static readonly int[,] DigitZero =
    {
        { 0, 0, 5, 13, 9, 1, 0, 0 }, { 0, 0, 13, 15, 10, 15, 5, 0 }, { 0, 3, 15, 2, 0, 11, 8, 0 }, { 0, 4, 12, 0, 0, 8, 8, 0 },
        { 0, 5, 8, 0, 0, 9, 8, 0 }, { 0, 4, 11, 0, 1, 12, 7, 0 }, { 0, 2, 14, 5, 10, 12, 0, 0 }, { 0, 0, 6, 13, 10, 0, 0, 0 },
    };

    [Fact]
    public void Preprocess_Small8x8LightDigitOnBlack_KeepsItsRingShape()
    {
        byte[] png = Encode(8, 8, (x, y) =>
        {
            byte v = (byte)Math.Round(DigitZero[y, x] * 255.0 / 16);
            return new SKColor(v, v, v);
        });
        GrayImage image = ImagePreprocessor.Preprocess(png);
        var box = image.BoundingBox(64);
        Assert.Equal(28, box.Height);                              // the digit's rows fill the frame
        Assert.InRange(box.Width, 14, 24);                         // a ring taller than wide, not a band across
        Assert.True(image[14, 14] < 64, $"the ring's hole is dark, got {image[14, 14]}");
        int left = Enumerable.Range(0, 14).Max(x => image[x, 14]), right = Enumerable.Range(14, 14).Max(x => image[x, 14]);
        Assert.True(left > 128 && right > 128, $"its strokes either side of the hole are light, got {left} and {right}");
    }

    [Fact]
    public void Preprocess_DarkGarmentOnWhite_IsNegatedCroppedAndCentred()
    {
        // A dark 60×120 rectangle (a "trouser") on a white 300×200 canvas, off-centre.
        byte[] png = Encode(300, 200, (x, y) => x is >= 20 and < 80 && y is >= 40 and < 160 ? new SKColor(30, 30, 30) : SKColors.White);
        GrayImage image = ImagePreprocessor.Preprocess(png);
        Assert.Equal(28, image.Width);
        Assert.Equal(0, image[0, 14]);             // background ends up black …
        Assert.Equal(0, image[27, 14]);
        Assert.Equal(255, image[14, 14]);         // … and the garment light, stretched to 255
        var box = image.BoundingBox(128);
        Assert.Equal(28, box.Height);             // the longer side fills the frame
        Assert.InRange(box.Width, 13, 15);        // aspect ratio 1:2 kept
        Assert.InRange(box.X, 6, 8);              // centred horizontally
    }

    [Fact]
    public void Preprocess_NotAnImage_IsRejectedByName()
    {
        var ex = Assert.Throws<ImageRejectedException>(() => ImagePreprocessor.Preprocess("hello, not a picture"u8.ToArray(), "notes.txt"));
        Assert.StartsWith("notes.txt: not an image", ex.Message);
    }

    [Fact]
    public void Preprocess_TruncatedPng_IsRejected()
    {
        byte[] png = Encode(64, 64, (x, y) => new SKColor((byte)(x * 4), (byte)(y * 4), 90));
        var ex = Assert.ThrowsAny<ImageRejectedException>(() => ImagePreprocessor.Preprocess(png[..(png.Length / 2)], "cut.png"));
        Assert.StartsWith("cut.png:", ex.Message);
    }

    [Fact]
    public void Preprocess_HeaderOverFiftyMegapixels_RejectedFromTheHeader()
    {
        byte[] png = TestImages.PngClaiming(10_000, 6_000);
        var ex = Assert.Throws<ImageRejectedException>(() => ImagePreprocessor.Preprocess(png, "wide.png"));
        Assert.Equal("wide.png: expected at most 50 megapixels, received 10000×6000 (60 megapixels)", ex.Message);
    }

    [Fact]
    public void AsDataSetImage_GrayOnDarkOrLightOrColoured_OnlyTheFirstPassesThrough()
    {
        byte[] pixels = TrainedModel.Test.Image(3).ToArray();
        ColorImage Gray(Func<byte, byte> f) => new(28, 28, [.. pixels.SelectMany(p => new float[] { f(p), f(p), f(p), 255 })]);
        Assert.Equal(pixels, ImagePreprocessor.AsDataSetImage(Gray(p => p))!.Pixels);
        Assert.Null(ImagePreprocessor.AsDataSetImage(Gray(p => (byte)(255 - p))));
        var tinted = new ColorImage(28, 28, [.. pixels.SelectMany(p => new float[] { p, p, 0, 255 })]);
        Assert.Null(ImagePreprocessor.AsDataSetImage(tinted));
    }

    [Fact]
    public void Distance_OpaqueAndHalfTransparent_DistanceTimesAlpha()
    {
        // On white: a white pixel is 0; black at alpha 128 is 255 · 128 / 255 = 128; a (255, 0, 255) pixel √(255² / 3).
        var image = new ColorImage(3, 1, [255, 255, 255, 255, 0, 0, 0, 128, 255, 0, 255, 255]);
        IntensityMap distance = ImagePreprocessor.Distance(image, BackgroundModel.Plain(255, 255, 255));
        Assert.Equal(0, distance[0, 0], 0.001f);
        Assert.Equal(128, distance[1, 0], 0.001f);
        Assert.Equal(255 / MathF.Sqrt(3), distance[2, 0], 0.001f);
    }

    [Theory]
    [InlineData(0, 5)]       // a clean backdrop: 5 % of the contrast (100)
    [InlineData(10, 12)]     // a blotchy one: 1.2 times its blotches (10)
    public void CropThreshold_ContrastOrBlotches_WhicheverIsLarger(float ring, float crop)
    {
        // Smoothed distances: 100 inside a 5×5 map, the given value on its one-pixel border band.
        float[] values = [.. Enumerable.Range(0, 25).Select(i => i % 5 is >= 1 and <= 3 && i / 5 is >= 1 and <= 3 ? 100f : ring)];
        Assert.Equal(crop, ImagePreprocessor.CropThreshold(new IntensityMap(5, 5, values)), 0.001f);
    }

    [Theory]
    [InlineData(1, 3)]       // 3 % of the contrast (100)
    [InlineData(4, 8)]       // twice the noise at scale (4)
    public void DenoiseThreshold_ContrastOrNoise_WhicheverIsLarger(float noise, float denoise) =>
        Assert.Equal(denoise, ImagePreprocessor.DenoiseThreshold(100, noise), 0.001f);

    [Fact]
    public void Difference_SignedPerChannelTimesAlpha_MagnitudeIsTheDistance()
    {
        // On (100, 100, 100): (160, 40, 100) opaque is (60, −60, 0), distance √(7200 / 3); black at alpha 51 is −20 each.
        var image = new ColorImage(2, 1, [160, 40, 100, 255, 0, 0, 0, 51]);
        IntensityMap[] difference = ImagePreprocessor.Difference(image, BackgroundModel.Plain(100, 100, 100));
        Assert.Equal(new float[] { 60, -20 }, difference[0].Values);
        Assert.Equal(new float[] { -60, -20 }, difference[1].Values);
        Assert.Equal(new float[] { 0, -20 }, difference[2].Values);
        Assert.Equal(MathF.Sqrt(2400), ImagePreprocessor.Magnitude(difference)[0, 0], 0.001f);
        Assert.Equal(20, ImagePreprocessor.Magnitude(difference)[1, 0], 0.001f);
    }

    [Fact]
    public void NoiseAtScale_AlternatingNoiseOutsideTheBox_CancelsInBlocks()
    {
        // A 6×4 map: ±10 in a checkerboard (per-pixel distance 10) except the box (4, 0, 2, 4), which holds 90.
        // Blocks of 2 outside the box: each holds two +10 and two −10, mean 0; blocks of 1: distance 10 each.
        float[] values = [.. Enumerable.Range(0, 24).Select(i => i % 6 >= 4 ? 90f : (i % 6 + i / 6) % 2 == 0 ? 10f : -10f)];
        IntensityMap[] difference = [.. Enumerable.Range(0, 3).Select(_ => new IntensityMap(6, 4, values))];
        Assert.Equal(0, ImagePreprocessor.NoiseAtScale(difference, (4, 0, 2, 4), side: 2), 0.001f);
        Assert.Equal(10, ImagePreprocessor.NoiseAtScale(difference, (4, 0, 2, 4), side: 1), 0.001f);
        Assert.Equal(0, ImagePreprocessor.NoiseAtScale(difference, (0, 0, 6, 4), side: 1));   // nothing outside the box
    }

    [Theory]
    [InlineData(28, 1)]
    [InlineData(280, 10)]
    [InlineData(10, 1)]
    public void BlockSide_BoxLongerSideOver28_AtLeastOne(int longer, int side) =>
        Assert.Equal(side, ImagePreprocessor.BlockSide((0, 0, longer / 2 + 1, longer)));

    [Fact]
    public void GarmentBox_LonePixelAndBlockEdges_OnlyTheBlock()
    {
        // A 2×2 block of 90 at (2, 2) and a lone 90 at (0, 3): the block's 3×3 means reach 40, the lone pixel's 15; the
        // pixels around the block have means of 10–20 but distance 0.
        var values = new float[36];
        foreach (int i in new[] { 2 * 6 + 2, 2 * 6 + 3, 3 * 6 + 2, 3 * 6 + 3, 3 * 6 + 0 }) values[i] = 90;
        var distance = new IntensityMap(6, 6, values);
        Assert.Equal((2, 2, 2, 2), ImagePreprocessor.GarmentBox(distance, distance.BoxBlur3(), threshold: 20));
        Assert.Equal((0, 2, 4, 2), ImagePreprocessor.GarmentBox(distance, distance, threshold: 20));
    }

    [Fact]
    public void GarmentBox_SpeckFarFromTheGarment_LeftOut()
    {
        // A 20×10 block of 90 at (2, 2) (200 pixels) and a 1×1 speck of 90 at (38, 18) that survives the threshold on
        // its own: under 1 % of the block's pixels, so it does not stretch the box; a 2×2 block of 4 pixels (2 %) does.
        var values = new float[40 * 20];
        for (int y = 2; y < 12; y++) for (int x = 2; x < 22; x++) values[y * 40 + x] = 90;
        values[18 * 40 + 38] = 90;
        var distance = new IntensityMap(40, 20, values);
        Assert.Equal((2, 2, 20, 10), ImagePreprocessor.GarmentBox(distance, distance, threshold: 20));
        foreach (int i in new[] { 17 * 40 + 37, 17 * 40 + 38, 18 * 40 + 37 }) values[i] = 90;
        Assert.Equal((2, 2, 37, 17), ImagePreprocessor.GarmentBox(distance, distance, threshold: 20));
    }

    [Fact]
    public void Denoise_SubtractsTheThreshold_NotBelowZero()
    {
        IntensityMap denoised = ImagePreprocessor.Denoise(new IntensityMap(4, 1, [0, 2, 5, 10]), 3);
        Assert.Equal(new float[] { 0, 0, 2, 7 }, denoised.Values);
    }

    [Fact]
    public void Stretch_BrightestTo255_EmptyStaysBlack()
    {
        Assert.Equal(new byte[] { 0, 51, 255 }, ImagePreprocessor.Stretch(new IntensityMap(3, 1, [0, 20, 100])).Pixels);
        Assert.Equal(new byte[] { 0, 0, 0 }, ImagePreprocessor.Stretch(new IntensityMap(3, 1, [0, 0, 0])).Pixels);
    }

    public static TheoryData<string, byte[], byte[]> Backdrops => new()
    {
        { "light on black", [235, 235, 235], [0, 0, 0] },
        { "light on grey", [250, 250, 250], [110, 110, 110] },
        { "light on a blue-grey table", [230, 225, 215], [70, 90, 120] },
        { "dark on pastel", [40, 20, 60], [240, 220, 200] },
    };

    [Theory]
    [MemberData(nameof(Backdrops))]
    public void Preprocess_SameGarmentOnAnyPlainBackdrop_SameInputAsOnWhite(string backdrop, byte[] garment, byte[] background)
    {
        // A garment shape (opacity 0–1 over the backdrop) drawn dark on white, and in the given colours.
        static double Opacity(int x, int y) => x is >= 30 and < 90 && y is >= 20 and < 140 ? 0.4 + 0.6 * ((x + y) % 7) / 6.0 : 0;
        byte Mix(int x, int y, byte g, byte b) => (byte)Math.Round(b + Opacity(x, y) * (g - b));
        byte[] reference = Encode(120, 160, (x, y) => { byte v = Mix(x, y, 0, 255); return new SKColor(v, v, v); });
        byte[] coloured = Encode(120, 160, (x, y) =>
            new SKColor(Mix(x, y, garment[0], background[0]), Mix(x, y, garment[1], background[1]), Mix(x, y, garment[2], background[2])));
        byte[] expected = ImagePreprocessor.Preprocess(reference).Pixels, actual = ImagePreprocessor.Preprocess(coloured).Pixels;
        int worst = Enumerable.Range(0, 784).Max(i => Math.Abs(expected[i] - actual[i]));
        Assert.True(worst <= 6, $"{backdrop}: a pixel differs by {worst}");
        Assert.Equal(255, actual.Max());
    }

    [Fact]
    public void Preprocess_TransparentCutOut_SameInputAsOnWhite()
    {
        static bool Inside(int x, int y) => x is >= 30 and < 90 && y is >= 20 and < 140;
        byte[] onWhite = Encode(120, 160, (x, y) => Inside(x, y) ? new SKColor(40, 40, 40) : SKColors.White);
        byte[] cutOut = Encode(120, 160, (x, y) => Inside(x, y) ? new SKColor(40, 40, 40) : new SKColor(0, 0, 0, 0));
        Assert.Equal(ImagePreprocessor.Preprocess(onWhite).Pixels, ImagePreprocessor.Preprocess(cutOut).Pixels);
    }
}
