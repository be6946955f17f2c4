using SkiaSharp;

namespace MlNetFashion.Scoring.Imaging;

/// <summary>
/// A heat map over its 28×28 input as a PNG: the input in gray, the positive heat (what supports the prediction) in
/// red over it, scaled so the hottest pixel is fully red; negative heat is left out. Scaled up 8× so it can be seen.
/// </summary>
public static class HeatMapImage
{
    public const int Scale = 8;

    public static byte[] EncodePng(ReadOnlySpan<byte> input, ReadOnlySpan<float> heat, int size = 28)
    {
        if (input.Length != size * size || heat.Length != size * size)
            throw new ArgumentException(
                $"heat map: expected {size * size} pixels and heat values, received {input.Length} and {heat.Length}");
        float max = 0;
        foreach (float h in heat) max = Math.Max(max, h);
        var info = new SKImageInfo(size * Scale, size * Scale, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        Span<byte> rgba = bitmap.GetPixelSpan();
        for (int y = 0; y < size * Scale; y++)
            for (int x = 0; x < size * Scale; x++)
            {
                int i = y / Scale * size + x / Scale, o = 4 * (y * size * Scale + x);
                double gray = input[i] * 0.6, a = max > 0 ? Math.Clamp(heat[i] / max, 0, 1) : 0;
                rgba[o] = (byte)Math.Round(gray * (1 - a) + 255 * a);
                rgba[o + 1] = (byte)Math.Round(gray * (1 - a));
                rgba[o + 2] = (byte)Math.Round(gray * (1 - a));
                rgba[o + 3] = 255;
            }
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
