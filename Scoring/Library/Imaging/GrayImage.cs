namespace MlNetFashion.Scoring.Imaging;

/// <summary>An 8-bit grayscale image, row-major: what the model sees (28×28, light garment on black).</summary>
public sealed class GrayImage(int width, int height, byte[] pixels) : Raster(width, height, 1, pixels.Length, "pixels")
{
    public byte[] Pixels { get; } = pixels;

    public byte this[int x, int y] => Pixels[y * Width + x];

    /// <summary>
    /// Set by <see cref="ImagePreprocessor"/> on its result: false when the image it came from had no foreground at all
    /// (<see cref="Foreground.HasSourceForeground(IntensityMap)"/>: blank or uniform), which the 28×28 result cannot show once a
    /// uniform non-square image has been fitted onto the black canvas as a gray rectangle.
    /// </summary>
    public bool SourceHasForeground { get; init; } = true;

    /// <summary>Mean of the outermost ring of pixels: light (&gt; 127) means dark garment on a light background.</summary>
    public double BorderMean()
    {
        long sum = 0;
        int count = 0;
        for (int x = 0; x < Width; x++) { sum += this[x, 0] + this[x, Height - 1]; count += 2; }
        for (int y = 1; y < Height - 1; y++) { sum += this[0, y] + this[Width - 1, y]; count += 2; }
        return (double)sum / count;
    }

    /// <summary>The smallest box holding every pixel brighter than <paramref name="threshold"/>; the whole image when none is.</summary>
    public (int X, int Y, int Width, int Height) BoundingBox(byte threshold) => IntensityMap.From(this).BoundingBox(threshold);
}
