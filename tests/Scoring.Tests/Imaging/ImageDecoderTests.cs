using System.Diagnostics;
using MlNetFashion.Benchmarks.Robustness;
using MlNetFashion.Scoring.Imaging;
using SkiaSharp;

namespace MlNetFashion.Scoring.Tests.Imaging;

public class ImageDecoderTests
{
    [Fact]
    public void Downsample_TransparentPixels_DoNotBleedTheirColour()
    {
        // 4×2 → factor 2 → 2×1. Left block: red 200 and red 100 opaque, two transparent black pixels.
        byte[] rgba =
        [
            200, 0, 0, 255,   0, 0, 0, 0,       10, 20, 30, 255,  10, 20, 30, 255,
            100, 0, 0, 255,   0, 0, 0, 0,       10, 20, 30, 255,  50, 60, 70, 255,
        ];
        ColorImage image = ImageDecoder.Downsample(rgba, 4, 2, maxSide: 2);
        Assert.Equal((2, 1), (image.Width, image.Height));
        Assert.Equal(new float[] { 150, 0, 0, 127.5f, 20, 30, 40, 255 }, image.Rgba);
    }

    [Theory]
    [InlineData(SKEncodedOrigin.TopLeft, new float[] { 1, 2, 3, 4, 5, 6 }, 3)]
    [InlineData(SKEncodedOrigin.TopRight, new float[] { 3, 2, 1, 6, 5, 4 }, 3)]
    [InlineData(SKEncodedOrigin.BottomRight, new float[] { 6, 5, 4, 3, 2, 1 }, 3)]
    [InlineData(SKEncodedOrigin.BottomLeft, new float[] { 4, 5, 6, 1, 2, 3 }, 3)]
    [InlineData(SKEncodedOrigin.LeftTop, new float[] { 1, 4, 2, 5, 3, 6 }, 2)]
    [InlineData(SKEncodedOrigin.RightTop, new float[] { 4, 1, 5, 2, 6, 3 }, 2)]
    [InlineData(SKEncodedOrigin.RightBottom, new float[] { 6, 3, 5, 2, 4, 1 }, 2)]
    [InlineData(SKEncodedOrigin.LeftBottom, new float[] { 3, 6, 2, 5, 1, 4 }, 2)]
    public void Orient_StoredThreeByTwo_UprightAsExifSays(SKEncodedOrigin origin, float[] expected, int width)
    {
        // Stored rows: 1 2 3 / 4 5 6 (the value in the red channel). 6 (RightTop): the camera was turned clockwise, so
        // the upright image's first row is the stored first column read bottom-up: 4 1.
        var stored = new ColorImage(3, 2, [.. Enumerable.Range(1, 6).SelectMany(v => new float[] { v, 0, 0, 255 })]);
        ColorImage upright = ImageDecoder.Orient(stored, origin);
        Assert.Equal(width, upright.Width);
        Assert.Equal(expected, Enumerable.Range(0, 6).Select(i => upright.Rgba[4 * i]).ToArray());
    }

    [Fact]
    public void Preprocess_ExifOrientationsOneToEight_SameTwentyEightByTwentyEight()
    {
        // An upright, asymmetric garment (an L: a tall bar and a foot to the right) stored the eight ways a camera can
        // store it, each JPEG carrying the orientation tag that turns it back.
        const int w = 96, h = 64;
        var upright = new byte[4 * w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                bool garment = (x is >= 20 and < 36 && y is >= 8 and < 56) || (x is >= 36 and < 76 && y is >= 40 and < 56);
                byte v = garment ? (byte)30 : (byte)250;
                upright[4 * (y * w + x)] = upright[4 * (y * w + x) + 1] = upright[4 * (y * w + x) + 2] = v;
                upright[4 * (y * w + x) + 3] = 255;
            }
        byte[] Seen(int o) => ImagePreprocessor.Preprocess(StoredJpeg(upright, w, h, o, tag: true), $"o{o}.jpg").Pixels;
        byte[][] results = [.. Enumerable.Range(1, 8).Select(Seen)];
        for (int o = 2; o <= 8; o++)
        {
            int worst = Enumerable.Range(0, 784).Max(i => Math.Abs(results[o - 1][i] - results[0][i]));
            Assert.True(worst <= 12, $"orientation {o}: a pixel differs by {worst} from orientation 1's");
        }
        byte[] untagged = ImagePreprocessor.Preprocess(StoredJpeg(upright, w, h, 6, tag: false)).Pixels;
        int largest = Enumerable.Range(0, 784).Max(i => Math.Abs(untagged[i] - results[0][i]));
        Assert.True(largest > 100, "without the tag the garment lies sideways");
    }

    private static byte[] StoredJpeg(byte[] upright, int width, int height, int orientation, bool tag)
    {
        var (rgba, w, h) = JpegOrientation.Store(upright, width, height, orientation);
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        rgba.CopyTo(bitmap.GetPixelSpan());
        using SKData jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, 100);
        return tag ? JpegOrientation.WithOrientation(jpeg.ToArray(), orientation) : jpeg.ToArray();
    }

    [Fact]
    public void Decode_LargeJpeg_DecodedAtReducedScaleToWorkingSize()
    {
        byte[] jpeg = ImagePreprocessorTests.Encode(
            2000, 1500, (x, y) => new SKColor((byte)(x / 8), (byte)(y / 6), 128), SKEncodedImageFormat.Jpeg);
        ColorImage image = ImageDecoder.Decode(jpeg, "big.jpg");
        // The codec decodes at ½ (1000×750, the smallest n/8 scale still ≥ 512 px), then area averaging halves it.
        Assert.Equal((500, 375), (image.Width, image.Height));
        Assert.Equal(128, image[250, 200, 2], 3f);
    }

    [Fact]
    public void Decode_TwelveMegapixelJpegStoredSideways_DecodedAtOneEighthAndTurnedUpright()
    {
        // A phone's 4032×3024 photo stored sideways (EXIF 6): ⅛ is 504×378, longer than LargeImageMinSide, so no
        // finer scale is decoded and nothing is averaged. The stored left half is red, the right half blue.
        const int w = 4032, h = 3024;
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Span<byte> pixels = bitmap.GetPixelSpan();
        for (int i = 0; i < w * h; i++)
        {
            bool left = i % w < w / 2;
            pixels[4 * i] = left ? (byte)200 : (byte)20;
            pixels[4 * i + 1] = left ? (byte)40 : (byte)60;
            pixels[4 * i + 2] = left ? (byte)40 : (byte)220;
            pixels[4 * i + 3] = 255;
        }
        using SKData encoded = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        byte[] jpeg = JpegOrientation.WithOrientation(encoded.ToArray(), 6);
        ColorImage image = ImageDecoder.Decode(jpeg, "phone.jpg");
        Assert.Equal((378, 504), (image.Width, image.Height));
        // Upright (x, y) is stored (y, H − 1 − x): the stored left half is the upright top.
        Assert.Equal(200, image[189, 100, 0], 6f);
        Assert.Equal(220, image[189, 400, 2], 6f);
    }

    [Theory]
    [InlineData(SKEncodedOrigin.TopLeft)]
    [InlineData(SKEncodedOrigin.TopRight)]
    [InlineData(SKEncodedOrigin.BottomRight)]
    [InlineData(SKEncodedOrigin.BottomLeft)]
    [InlineData(SKEncodedOrigin.LeftTop)]
    [InlineData(SKEncodedOrigin.RightTop)]
    [InlineData(SKEncodedOrigin.RightBottom)]
    [InlineData(SKEncodedOrigin.LeftBottom)]
    public void Orient_CodecBytes_SameAsOrientingTheirFloats(SKEncodedOrigin origin)
    {
        var random = new Random(7);
        var rgba = new byte[4 * 5 * 3];
        random.NextBytes(rgba);
        ColorImage expected = ImageDecoder.Orient(ColorImage.FromRgba8(5, 3, rgba), origin);
        ColorImage actual = ImageDecoder.Orient(rgba, 5, 3, origin);
        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        Assert.Equal(expected.Rgba, actual.Rgba);
    }

    [Fact]
    public void Decode_LargeWebP_ScaledByTheCodecToWorkingSize()
    {
        byte[] webp = ImagePreprocessorTests.Encode(
            2000, 1500, (x, y) => x < 1000 ? new SKColor(200, 40, 40) : new SKColor(20, 60, 220), SKEncodedImageFormat.Webp);
        ColorImage image = ImageDecoder.Decode(webp, "big.webp");
        // ⌈2000 / 512⌉ = 4: 500×375, each half keeping its colour.
        Assert.Equal((500, 375), (image.Width, image.Height));
        Assert.Equal(200, image[100, 200, 0], 6f);
        Assert.Equal(220, image[400, 200, 2], 6f);
    }

    [Fact]
    public void Decode_HeaderClaimingTenGigapixels_RefusedBeforeDecoding()
    {
        byte[] bomb = TestImages.PngClaiming(100_000, 100_000);
        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(bomb, "bomb.png"));
        Assert.Equal("bomb.png: expected at most 50 megapixels, received 100000×100000 (10000 megapixels)", ex.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData(7071, 7071, false)]    // 49.999 MP
    [InlineData(7072, 7071, true)]     // 50.006 MP
    [InlineData(0, 10, true)]
    public void CheckHeader_FiftyMegapixels_TheLimit(int width, int height, bool refused)
    {
        var ex = Record.Exception(() => ImageDecoder.CheckHeader(width, height, "x.png"));
        Assert.Equal(refused, ex is ImageRejectedException);
    }
}
