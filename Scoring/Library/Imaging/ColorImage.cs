namespace MlNetFashion.Scoring.Imaging;

/// <summary>
/// A decoded colour image at working resolution: RGBA interleaved, row-major, straight (not premultiplied) alpha,
/// every channel a float in [0, 255]. Pixel (x, y)'s channel c is at <c>4·(y·Width + x) + c</c>.
/// </summary>
public sealed class ColorImage(int width, int height, float[] rgba) : Raster(width, height, 4, rgba.Length, "channel values")
{
    /// <summary>The channel values; an empty or negative size is refused first (initializers run before the base constructor).</summary>
    public float[] Rgba { get; } = width > 0 && height > 0
        ? rgba
        : throw new ArgumentException($"expected a positive size, received {width}×{height}");

    public float this[int x, int y, int channel] => Rgba[4 * (y * Width + x) + channel];

    /// <summary>An image from 8-bit RGBA bytes (what the codec writes), straight alpha.</summary>
    public static ColorImage FromRgba8(int width, int height, ReadOnlySpan<byte> rgba)
    {
        var values = new float[rgba.Length];
        for (int i = 0; i < values.Length; i++) values[i] = rgba[i];
        return new ColorImage(width, height, values);
    }

    /// <summary>True when every pixel is opaque and grey (R = G = B): an image that is grayscale already.</summary>
    public bool IsOpaqueGray()
    {
        for (int i = 0; i < Rgba.Length; i += 4)
            if (Rgba[i + 3] < 255 || Rgba[i] != Rgba[i + 1] || Rgba[i] != Rgba[i + 2]) return false;
        return true;
    }
}
