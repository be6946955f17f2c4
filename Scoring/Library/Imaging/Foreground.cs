namespace MlNetFashion.Scoring.Imaging;

/// <summary>
/// How much of a 28×28 preprocessed image stands out from its background. A blank or uniform image has none, and
/// the network's scores cannot be trusted to say so (a flat input still gives confident logits), so such an image is
/// never a garment whatever its score.
/// </summary>
public static class Foreground
{
    /// <summary>A pixel is foreground when it differs from the mean of the image's outer ring by more than this.</summary>
    public const int Contrast = 32;

    /// <summary>
    /// Below this share of foreground pixels (8 of 784) an image is not a garment. The smallest share among
    /// Fashion-MNIST's 60,000 training images is 1.4 % (11 pixels), so no garment of the data set is refused.
    /// </summary>
    public const double MinShare = 0.01;

    /// <summary>The share of pixels differing from the outer ring's mean by more than <see cref="Contrast"/>.</summary>
    public static double Share(ReadOnlySpan<byte> pixels, int width = ImagePreprocessor.Size)
    {
        if (width <= 0 || pixels.Length == 0 || pixels.Length % width != 0)
            throw new ArgumentException($"pixels: expected a whole number of rows of {width}, received {pixels.Length} values");
        int height = pixels.Length / width;
        long sum = 0;
        int ring = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                if (y != 0 && y != height - 1 && x != 0 && x != width - 1) continue;
                sum += pixels[y * width + x];
                ring++;
            }
        double background = (double)sum / ring;
        int foreground = 0;
        foreach (byte p in pixels) if (Math.Abs(p - background) > Contrast) foreground++;
        return (double)foreground / pixels.Length;
    }

    /// <summary>
    /// In the image as given (any size), the share of foreground pixels below which it counts as blank or uniform: a
    /// garment may fill little of a large photo, so this bar is 5× lower than <see cref="MinShare"/>.
    /// </summary>
    public const double MinSourceShare = 0.002;

    /// <summary>True when an image as given, before preprocessing, has any foreground (see <see cref="MinSourceShare"/>).</summary>
    public static bool HasSourceForeground(GrayImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Share(image.Pixels, image.Width) >= MinSourceShare;
    }

    /// <summary>
    /// True when an image as given has any foreground: the share of its pixels farther than <see cref="Contrast"/>
    /// from the estimated backdrop (its colour distance map) reaches <see cref="MinSourceShare"/>.
    /// </summary>
    public static bool HasSourceForeground(IntensityMap distance)
    {
        ArgumentNullException.ThrowIfNull(distance);
        int foreground = 0;
        foreach (float d in distance.Values) if (d > Contrast) foreground++;
        return distance.Values.Length > 0 && (double)foreground / distance.Values.Length >= MinSourceShare;
    }

    /// <summary>A pixel of the outer ring is dark (background) at or below this level.</summary>
    public const int DarkLevel = 40;

    /// <summary>
    /// Below this share of dark pixels in its outer ring, a 28×28 image is not a garment on a background: noise and
    /// textures fill the frame. In every one of Fashion-MNIST's 60,000 training images at least 39.8 % of the ring is dark.
    /// </summary>
    public const double MinDarkBorderShare = 0.35;

    /// <summary>The share of the outer ring's pixels at or below <see cref="DarkLevel"/>.</summary>
    public static double DarkBorderShare(ReadOnlySpan<byte> pixels, int width = ImagePreprocessor.Size)
    {
        int height = pixels.Length / width, ring = 0, dark = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                if (y != 0 && y != height - 1 && x != 0 && x != width - 1) continue;
                ring++;
                if (pixels[y * width + x] <= DarkLevel) dark++;
            }
        return ring == 0 ? 0 : (double)dark / ring;
    }

    /// <summary>
    /// True when a 28×28 image looks like a garment on a background at all: enough foreground (<see cref="MinShare"/>)
    /// and a mostly dark outer ring (<see cref="MinDarkBorderShare"/>), as every training image has.
    /// </summary>
    public static bool HasGarmentForeground(ReadOnlySpan<byte> pixels) =>
        Share(pixels) >= MinShare && DarkBorderShare(pixels) >= MinDarkBorderShare;
}
