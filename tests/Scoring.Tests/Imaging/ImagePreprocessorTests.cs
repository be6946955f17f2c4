using MlNetFashion.Scoring.Imaging;
using SkiaSharp;

namespace MlNetFashion.Scoring.Tests.Imaging;

public class ImagePreprocessorTests
{
    internal static byte[] Encode(int width, int height, Func<int, int, SKColor> color, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
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
    public void Preprocess_DarkGarmentOnWhite_IsInvertedCroppedAndCentred()
    {
        // A dark 60×120 rectangle (a "trouser") on a white 300×200 canvas, off-centre.
        byte[] png = Encode(300, 200, (x, y) => x is >= 20 and < 80 && y is >= 40 and < 160 ? new SKColor(30, 30, 30) : SKColors.White);
        GrayImage image = ImagePreprocessor.Preprocess(png);
        Assert.Equal(28, image.Width);
        Assert.Equal(0, image[0, 14]);             // background ends up black …
        Assert.Equal(0, image[27, 14]);
        Assert.True(image[14, 14] > 200, "… and the garment light");
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
    public void Preprocess_OverMaxDimension_RejectedFromTheHeader()
    {
        // 5000×10 PNG: small file, absurd width.
        byte[] png = Encode(5000, 10, (_, _) => SKColors.White);
        var ex = Assert.Throws<ImageRejectedException>(() => ImagePreprocessor.Preprocess(png, "wide.png"));
        Assert.Equal("wide.png: expected at most 4096×4096 pixels, received 5000×10", ex.Message);
    }
}
