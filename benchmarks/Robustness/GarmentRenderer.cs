using SkiaSharp;

namespace MlNetFashion.Benchmarks.Robustness;

/// <summary>The ways people deliver a garment's picture, each a rendering of a 28×28 test image into encoded bytes.</summary>
public enum Delivery
{
    /// <summary>The 28×28 image itself as a grayscale PNG.</summary>
    Plain,
    /// <summary>Dark garment on white, 300–600 px with a 5–15 % margin, JPEG quality 90.</summary>
    Catalog,
    /// <summary>Light garment on a grey backdrop of level 30–170, JPEG 90.</summary>
    GreyBackdrop,
    /// <summary>Light-coloured garment on a dark coloured backdrop (a blue-grey table), JPEG 90.</summary>
    DarkColouredBackdrop,
    /// <summary>Dark-coloured garment on a light coloured (pastel) backdrop, JPEG 90.</summary>
    LightColouredBackdrop,
    /// <summary>Dark garment on a light backdrop lit unevenly: brightness falling linearly to 55–75 % across it.</summary>
    LightingGradient,
    /// <summary>Garment on grey with Gaussian noise (σ 12 per channel), JPEG quality 30.</summary>
    NoisyLowQuality,
    /// <summary>Dark garment 100–180 px tall, off-centre, on a white 1000×750 canvas.</summary>
    SmallOffCentre,
    /// <summary>A catalog JPEG stored sideways or mirrored with the EXIF orientation (2–8) that turns it upright.</summary>
    ExifRotated,
    /// <summary>A catalog photo cut out: RGBA PNG, the backdrop transparent.</summary>
    TransparentCutOut,

    // Held out: renderings whose parameters lie outside the ones above, never used to choose the preprocessing's
    // constants, so their rows show how far it generalises (GarmentRenderer.IsHeldOut).

    /// <summary>Light or dark grey garment on a saturated colour (one or two channels 150–230, the rest 0–60), JPEG 85.</summary>
    SaturatedBackdrop,
    /// <summary>Dark garment (0–50) on a mid-to-light grey (120–200), 4:3 canvas, JPEG 75.</summary>
    DarkOnGrey,
    /// <summary>Garment on grey with noise σ 4–22 and JPEG quality 15–60, both drawn per image.</summary>
    NoiseAndQualityRange,
    /// <summary>A 2016×1512 phone-sized canvas, the garment 25–45 % of its height anywhere on a pastel backdrop.</summary>
    PhoneCanvas,
    /// <summary>Dark garment on a light backdrop darkened radially (a vignette) to 60–80 % in the corners.</summary>
    Vignette,
    /// <summary>Dark garment on a light backdrop over its own soft shadow (blurred, offset, 20–40 % black).</summary>
    SoftShadow,
    /// <summary>Catalog framing turned 3–8° either way (a phone held not quite level), 4:3 canvas, JPEG 85.</summary>
    SlightlyRotated,
    /// <summary>Light garment on a dark colour as lossy WebP (quality 60–80).</summary>
    WebP,
}

public static partial class GarmentRenderer
{
    /// <summary>Renders a 28×28 test image (light garment on black, row-major) as <paramref name="delivery"/>.</summary>
    public static byte[] Render(ReadOnlySpan<byte> pixels, Delivery delivery, Random random)
    {
        byte[] garment = pixels.ToArray();
        switch (delivery)
        {
            case Delivery.Plain:
                return Scoring.Imaging.ImagePreprocessor.EncodePng(new Scoring.Imaging.GrayImage(28, 28, garment));
            case Delivery.Catalog:
            {
                using SKBitmap bitmap = Compose(
                    garment, SKColors.Black, SKColors.White, random.Next(300, 601), random);
                return Encode(bitmap, SKEncodedImageFormat.Jpeg, 90);
            }
            case Delivery.GreyBackdrop:
            {
                byte level = (byte)random.Next(30, 171), light = (byte)random.Next(225, 256);
                using SKBitmap bitmap = Compose(
                    garment, new SKColor(light, light, light), new SKColor(level, level, level), random.Next(300, 501), random);
                return Encode(bitmap, SKEncodedImageFormat.Jpeg, 90);
            }
            case Delivery.DarkColouredBackdrop:
            {
                using SKBitmap bitmap = Compose(
                    garment, RandomColour(random, 170, 256), RandomColour(random, 20, 111), random.Next(300, 501), random);
                return Encode(bitmap, SKEncodedImageFormat.Jpeg, 90);
            }
            case Delivery.LightColouredBackdrop:
            {
                using SKBitmap bitmap = Compose(
                    garment, RandomColour(random, 0, 91), RandomColour(random, 170, 256), random.Next(300, 501), random);
                return Encode(bitmap, SKEncodedImageFormat.Jpeg, 90);
            }
            case Delivery.LightingGradient:
            {
                using SKBitmap bitmap = Compose(
                    garment, RandomColour(random, 0, 61), RandomColour(random, 200, 256), random.Next(300, 501), random);
                ApplyLighting(bitmap, random);
                return Encode(bitmap, SKEncodedImageFormat.Jpeg, 90);
            }
            case Delivery.NoisyLowQuality:
            {
                byte level = (byte)random.Next(60, 181);
                byte tone = level < 120 ? (byte)random.Next(220, 256) : (byte)random.Next(0, 41);
                using SKBitmap bitmap = Compose(
                    garment, new SKColor(tone, tone, tone), new SKColor(level, level, level), random.Next(300, 501), random);
                AddNoise(bitmap, 12, random);
                return Encode(bitmap, SKEncodedImageFormat.Jpeg, 30);
            }
            case Delivery.SmallOffCentre:
            {
                using SKBitmap bitmap = SmallOffCentre(garment, random);
                return Encode(bitmap, SKEncodedImageFormat.Jpeg, 90);
            }
            case Delivery.ExifRotated:
            {
                using SKBitmap upright = Compose(garment, SKColors.Black, SKColors.White, random.Next(300, 601), random);
                int orientation = random.Next(2, 9);
                var (rgba, w, h) = JpegOrientation.Store(upright.GetPixelSpan().ToArray(), upright.Width, upright.Height, orientation);
                using SKBitmap stored = FromRgba(rgba, w, h);
                return JpegOrientation.WithOrientation(Encode(stored, SKEncodedImageFormat.Jpeg, 90), orientation);
            }
            case Delivery.TransparentCutOut:
            {
                using SKBitmap bitmap = Compose(
                    garment, RandomColour(random, 0, 120), SKColors.White, random.Next(300, 501), random);
                using SKBitmap cutOut = CutOut(bitmap);
                return Encode(cutOut, SKEncodedImageFormat.Png, 100);
            }
            default:
                return RenderHeldOut(garment, delivery, random);
        }
    }

    /// <summary>
    /// A size×size canvas of <paramref name="backdrop"/> with the garment drawn over it, upscaled with bilinear
    /// filtering into a square inset by a 5–15 % margin: the garment's colour at opacity = the pixel value / 255.
    /// </summary>
    private static SKBitmap Compose(byte[] garment, SKColor colour, SKColor backdrop, int size, Random random)
    {
        int margin = (int)(size * (0.05 + 0.10 * random.NextDouble()));
        // Premultiplied, as a canvas needs; the result is opaque, so its bytes are the straight colours too.
        var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(backdrop);
        Draw(canvas, garment, colour, SKRect.Create(margin, margin, size - 2 * margin, size - 2 * margin));
        return bitmap;
    }

    private static SKBitmap SmallOffCentre(byte[] garment, Random random)
    {
        const int width = 1000, height = 750;
        int side = random.Next(100, 181);
        // Anywhere but the middle: the garment's centre lies in the outer half of the canvas in x or y.
        float x, y;
        do
        {
            x = random.Next(0, width - side);
            y = random.Next(0, height - side);
        } while (Math.Abs(x + side / 2f - width / 2f) < width / 4f && Math.Abs(y + side / 2f - height / 2f) < height / 4f);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        Draw(canvas, garment, SKColors.Black, SKRect.Create(x, y, side, side));
        return bitmap;
    }

    /// <summary>The garment in <paramref name="colour"/> at opacity = pixel value / 255 × opacity / 255, scaled into the target.</summary>
    private static void Draw(SKCanvas canvas, byte[] garment, SKColor colour, SKRect target, SKPaint? paint = null, byte opacity = 255)
    {
        var rgba = new byte[28 * 28 * 4];
        for (int i = 0; i < garment.Length; i++)
        {
            rgba[4 * i] = colour.Red;
            rgba[4 * i + 1] = colour.Green;
            rgba[4 * i + 2] = colour.Blue;
            rgba[4 * i + 3] = (byte)(garment[i] * opacity / 255);
        }
        using SKBitmap small = FromRgba(rgba, 28, 28);
        using SKImage image = SKImage.FromBitmap(small);
        canvas.DrawImage(image, target, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None), paint);
    }

    /// <summary>Multiplies every pixel by a brightness falling linearly from 1 to 0.55–0.75 in a random direction.</summary>
    private static void ApplyLighting(SKBitmap bitmap, Random random)
    {
        double angle = random.NextDouble() * 2 * Math.PI, darkest = 0.55 + 0.2 * random.NextDouble();
        double dx = Math.Cos(angle), dy = Math.Sin(angle);
        Span<byte> pixels = bitmap.GetPixelSpan();
        int w = bitmap.Width, h = bitmap.Height;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                // t in [0, 1] along the direction across the whole canvas.
                double along = (x / (double)(w - 1) - 0.5) * dx + (y / (double)(h - 1) - 0.5) * dy;
                double t = along / (Math.Abs(dx) / 2 + Math.Abs(dy) / 2) / 2 + 0.5;
                double factor = 1 - (1 - darkest) * t;
                for (int c = 0; c < 3; c++) pixels[4 * (y * w + x) + c] = (byte)Math.Round(pixels[4 * (y * w + x) + c] * factor);
            }
    }

    private static void AddNoise(SKBitmap bitmap, double sigma, Random random)
    {
        Span<byte> pixels = bitmap.GetPixelSpan();
        for (int i = 0; i < pixels.Length; i++)
        {
            if (i % 4 == 3) continue;
            // Box–Muller: one standard normal from two uniforms.
            double normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            pixels[i] = (byte)Math.Clamp(Math.Round(pixels[i] + sigma * normal), 0, 255);
        }
    }

    /// <summary>The white backdrop made transparent: alpha from each pixel's distance to white (8 levels of it = opaque).</summary>
    private static SKBitmap CutOut(SKBitmap opaque)
    {
        byte[] pixels = opaque.GetPixelSpan().ToArray();
        for (int i = 0; i < pixels.Length; i += 4)
        {
            int distance = 255 - Math.Min(pixels[i], Math.Min(pixels[i + 1], pixels[i + 2]));
            pixels[i + 3] = (byte)Math.Min(255, distance * 32);
        }
        return FromRgba(pixels, opaque.Width, opaque.Height);
    }

    private static SKColor RandomColour(Random random, int min, int maxExclusive) =>
        new((byte)random.Next(min, maxExclusive), (byte)random.Next(min, maxExclusive), (byte)random.Next(min, maxExclusive));

    private static SKBitmap FromRgba(byte[] rgba, int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        rgba.CopyTo(bitmap.GetPixelSpan());
        return bitmap;
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using SKData data = bitmap.Encode(format, quality);
        return data.ToArray();
    }
}
