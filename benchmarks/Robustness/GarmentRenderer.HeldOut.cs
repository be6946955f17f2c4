using SkiaSharp;

namespace MlNetFashion.Benchmarks.Robustness;

public static partial class GarmentRenderer
{
    /// <summary>The first held-out delivery: it and those after it are printed apart and never tuned on.</summary>
    public const Delivery FirstHeldOut = Delivery.SaturatedBackdrop;

    public static bool IsHeldOut(Delivery delivery) => delivery >= FirstHeldOut;

    private static byte[] RenderHeldOut(byte[] garment, Delivery delivery, Random random)
    {
        switch (delivery)
        {
            case Delivery.SaturatedBackdrop:
            {
                byte tone = random.Next(2) == 0 ? (byte)random.Next(0, 50) : (byte)random.Next(215, 256);
                using SKBitmap bitmap = Compose(
                    garment, new SKColor(tone, tone, tone), SaturatedColour(random), random.Next(350, 701), random);
                return Encode(bitmap, SKEncodedImageFormat.Jpeg, 85);
            }
            case Delivery.DarkOnGrey:
            {
                byte tone = (byte)random.Next(0, 51), level = (byte)random.Next(120, 201);
                using SKBitmap bitmap = Framed(
                    garment, new SKColor(tone, tone, tone), new SKColor(level, level, level), 640, 480, random);
                return Encode(bitmap, SKEncodedImageFormat.Jpeg, 75);
            }
            case Delivery.NoiseAndQualityRange:
            {
                byte level = (byte)random.Next(40, 221);
                byte tone = level < 130 ? (byte)random.Next(level + 90, 256) : (byte)random.Next(0, level - 89);
                using SKBitmap bitmap = Compose(
                    garment, new SKColor(tone, tone, tone), new SKColor(level, level, level), random.Next(250, 601), random);
                AddNoise(bitmap, 4 + 18 * random.NextDouble(), random);
                return Encode(bitmap, SKEncodedImageFormat.Jpeg, random.Next(15, 61));
            }
            case Delivery.PhoneCanvas:
            {
                const int width = 2016, height = 1512;
                int side = (int)(height * (0.25 + 0.20 * random.NextDouble()));
                using SKBitmap bitmap = Blank(width, height, RandomColour(random, 180, 256), out SKCanvas canvas);
                using (canvas)
                    Draw(canvas, garment, RandomColour(random, 0, 80),
                        SKRect.Create(random.Next(0, width - side), random.Next(0, height - side), side, side));
                return Encode(bitmap, SKEncodedImageFormat.Jpeg, 85);
            }
            case Delivery.Vignette:
            {
                using SKBitmap bitmap = Framed(garment, RandomColour(random, 0, 70), RandomColour(random, 190, 256), 600, 450, random);
                ApplyVignette(bitmap, 0.6 + 0.2 * random.NextDouble());
                return Encode(bitmap, SKEncodedImageFormat.Jpeg, 85);
            }
            case Delivery.SoftShadow:
            {
                using SKBitmap bitmap = WithShadow(garment, random);
                return Encode(bitmap, SKEncodedImageFormat.Jpeg, 85);
            }
            case Delivery.SlightlyRotated:
            {
                using SKBitmap bitmap = Rotated(garment, random);
                return Encode(bitmap, SKEncodedImageFormat.Jpeg, 85);
            }
            case Delivery.WebP:
            {
                using SKBitmap bitmap = Compose(
                    garment, RandomColour(random, 190, 256), RandomColour(random, 10, 90), random.Next(300, 601), random);
                return Encode(bitmap, SKEncodedImageFormat.Webp, random.Next(60, 81));
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(delivery), delivery, null);
        }
    }

    /// <summary>One or two channels bright (150–230), the others dark (0–60): a strongly coloured backdrop.</summary>
    private static SKColor SaturatedColour(Random random)
    {
        int bright = random.Next(1, 7);   // a non-empty, non-full set of channels as bits 0–2
        if (bright == 7) bright = 1;
        byte Channel(int bit) => (bright & (1 << bit)) != 0 ? (byte)random.Next(150, 231) : (byte)random.Next(0, 61);
        return new SKColor(Channel(0), Channel(1), Channel(2));
    }

    private static SKBitmap Blank(int width, int height, SKColor backdrop, out SKCanvas canvas)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        canvas = new SKCanvas(bitmap);
        canvas.Clear(backdrop);
        return bitmap;
    }

    /// <summary>A width×height canvas, the garment's square 55–85 % of the height, placed anywhere that fits.</summary>
    private static SKBitmap Framed(byte[] garment, SKColor colour, SKColor backdrop, int width, int height, Random random)
    {
        int side = (int)(height * (0.55 + 0.30 * random.NextDouble()));
        SKBitmap bitmap = Blank(width, height, backdrop, out SKCanvas canvas);
        using (canvas)
            Draw(canvas, garment, colour, SKRect.Create(random.Next(0, width - side + 1), random.Next(0, height - side + 1), side, side));
        return bitmap;
    }

    /// <summary>Multiplies each pixel by 1 − (1 − corner)·r², r the distance from the centre over the half-diagonal.</summary>
    private static void ApplyVignette(SKBitmap bitmap, double corner)
    {
        Span<byte> pixels = bitmap.GetPixelSpan();
        int w = bitmap.Width, h = bitmap.Height;
        double halfDiagonal2 = (w * w + h * h) / 4.0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double dx = x - (w - 1) / 2.0, dy = y - (h - 1) / 2.0;
                double factor = 1 - (1 - corner) * (dx * dx + dy * dy) / halfDiagonal2;
                for (int c = 0; c < 3; c++) pixels[4 * (y * w + x) + c] = (byte)Math.Round(pixels[4 * (y * w + x) + c] * factor);
            }
    }

    /// <summary>
    /// Dark garment on a light 600×450 backdrop, drawn over its own silhouette in black at 20–40 % opacity, offset by
    /// 2–5 % of the garment's size down and sideways and blurred with σ 1.5–4 % of it.
    /// </summary>
    private static SKBitmap WithShadow(byte[] garment, Random random)
    {
        const int width = 600, height = 450;
        int side = (int)(height * (0.55 + 0.25 * random.NextDouble()));
        float x = random.Next(30, width - side - 29), y = random.Next(10, height - side - 29);
        float offset = side * (0.02f + 0.03f * (float)random.NextDouble()), sigma = side * (0.015f + 0.025f * (float)random.NextDouble());
        float sideways = random.Next(2) == 0 ? offset : -offset;
        SKBitmap bitmap = Blank(width, height, RandomColour(random, 200, 256), out SKCanvas canvas);
        using (canvas)
        {
            using var shadow = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(sigma, sigma) };
            byte opacity = (byte)random.Next(51, 103);
            Draw(canvas, garment, new SKColor(0, 0, 0), SKRect.Create(x + sideways, y + offset, side, side), shadow, opacity);
            Draw(canvas, garment, RandomColour(random, 0, 70), SKRect.Create(x, y, side, side));
        }
        return bitmap;
    }

    /// <summary>Catalog framing (dark on a light backdrop, 640×480) rotated 3–8° either way about the garment's centre.</summary>
    private static SKBitmap Rotated(byte[] garment, Random random)
    {
        const int width = 640, height = 480;
        int side = (int)(height * (0.6 + 0.2 * random.NextDouble()));
        float degrees = (float)(3 + 5 * random.NextDouble()) * (random.Next(2) == 0 ? 1 : -1);
        SKBitmap bitmap = Blank(width, height, RandomColour(random, 215, 256), out SKCanvas canvas);
        using (canvas)
        {
            float x = random.Next(40, width - side - 39), y = (height - side) / 2f;
            canvas.RotateDegrees(degrees, x + side / 2f, y + side / 2f);
            Draw(canvas, garment, RandomColour(random, 0, 60), SKRect.Create(x, y, side, side));
        }
        return bitmap;
    }
}
