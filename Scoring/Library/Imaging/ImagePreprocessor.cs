using SkiaSharp;

namespace MlNetFashion.Scoring.Imaging;

/// <summary>
/// Turns a user's image into what the model was trained on: 28×28 grayscale, a light garment on black.
/// Steps: read the header (reject anything over 4096×4096 before decoding pixels) → decode (PNG, JPEG, BMP, GIF,
/// WebP via SkiaSharp) → grayscale (transparent pixels count as background) → invert when the background is light →
/// crop to the garment's bounding box → fit the longer side to 28 px keeping the aspect ratio, centred, with area
/// averaging (antialiased). A 28×28 image that already has a dark background passes through untouched.
/// </summary>
public static class ImagePreprocessor
{
    public const int Size = 28, MaxDimension = 4096;

    /// <summary>Fashion-MNIST's garments fill the frame: the longer side of the bounding box becomes 28 px.</summary>
    public const int FitPixels = 28;

    public static GrayImage Preprocess(ReadOnlySpan<byte> encoded, string name = "image")
    {
        using var data = SKData.CreateCopy(encoded);
        using SKCodec codec = SKCodec.Create(data) ?? throw new ImageRejectedException($"{name}: not an image (PNG, JPEG, BMP, GIF or WebP expected)");
        SKImageInfo info = codec.Info;
        if (info.Width > MaxDimension || info.Height > MaxDimension)
            throw new ImageRejectedException($"{name}: expected at most {MaxDimension}×{MaxDimension} pixels, received {info.Width}×{info.Height}");
        if (info.Width <= 0 || info.Height <= 0) throw new ImageRejectedException($"{name}: the image has no pixels");
        GrayImage gray = Decode(codec, info, name);
        return Normalize(gray);
    }

    /// <summary>The same steps from an already decoded grayscale image.</summary>
    /// <remarks>The result's <see cref="GrayImage.SourceHasForeground"/> says whether the source had any foreground.</remarks>
    public static GrayImage Normalize(GrayImage gray)
    {
        ArgumentNullException.ThrowIfNull(gray);
        bool source = Foreground.HasSourceForeground(gray);
        bool lightBackground = gray.BorderMean() > 127;
        if (gray.Width == Size && gray.Height == Size && !lightBackground) return new GrayImage(Size, Size,
            gray.Pixels) { SourceHasForeground = source };
        if (lightBackground) gray = gray.Inverted();
        var box = gray.BoundingBox(threshold: 25);
        return new GrayImage(Size, Size, gray.FitInto(Size, FitPixels, box).Pixels) { SourceHasForeground = source };
    }

    private static GrayImage Decode(SKCodec codec, SKImageInfo header, string name)
    {
        var info = new SKImageInfo(header.Width, header.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        SKCodecResult result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput) || (result == SKCodecResult.IncompleteInput))
            throw new ImageRejectedException($"{name}: the image data is truncated or corrupt ({result})");
        ReadOnlySpan<byte> rgba = bitmap.GetPixelSpan();
        var gray = new byte[header.Width * header.Height];
        for (int i = 0; i < gray.Length; i++)
        {
            double a = rgba[4 * i + 3] / 255.0;
            double luminance = 0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2];
            gray[i] = (byte)Math.Round(luminance * a + 255 * (1 - a)); // transparent → white background
        }
        return new GrayImage(header.Width, header.Height, gray);
    }

    /// <summary>A grayscale PNG of a 28×28 input (what the model sees), for the web page and reports.</summary>
    public static byte[] EncodePng(GrayImage image)
    {
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        image.Pixels.CopyTo(bitmap.GetPixelSpan());
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
