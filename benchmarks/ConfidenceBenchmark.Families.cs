using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Engine.Calibration;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Imaging;
using SkiaSharp;

namespace MlNetFashion.Benchmarks;

/// <summary>The confidence benchmark's non-garment families: generated (uniform, noise, text, shapes, symbols), read from
/// Debian's icon theme, or written by confidence_ood_images.py (digits, photo crops).</summary>
public static partial class ConfidenceBenchmark
{
    /// <summary>Uniform images of every tenth gray level and of colours, at 28×28 and at photo size, preprocessed.</summary>
    private static Family Uniform()
    {
        var images = new List<GrayImage>();
        for (int v = 0; v <= 255; v += 5)
        {
            images.Add(new GrayImage(28, 28, Enumerable.Repeat((byte)v, Pixels).ToArray()));
            images.Add(new GrayImage(120, 80, Enumerable.Repeat((byte)v, 120 * 80).ToArray()));
        }
        return Flatten(images.Select(ImagePreprocessor.Normalize));
    }

    /// <summary>Uniform noise, Gaussian noise around a random gray, and sparse salt-and-pepper, at 28×28 and 64×64.</summary>
    private static Family Noise(Random random)
    {
        var images = new List<GrayImage>();
        for (int i = 0; i < FamilySize; i++)
        {
            int side = i % 2 == 0 ? 28 : 64;
            var pixels = new byte[side * side];
            int mean = random.Next(256), kind = i % 3;
            for (int j = 0; j < pixels.Length; j++)
            {
                double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
                double gaussian = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                pixels[j] = kind switch
                {
                    0 => (byte)random.Next(256),
                    1 => (byte)Math.Clamp(mean + 40 * gaussian, 0, 255),
                    _ => random.NextDouble() < 0.05 ? (byte)255 : (byte)0,
                };
            }
            images.Add(new GrayImage(side, side, pixels));
        }
        return Flatten(images.Select(ImagePreprocessor.Normalize));
    }

    private static readonly string[] Words =
        ["hello", "Fashion", "SALE", "42", "ML.NET", "dress", "A", "xyz", "Q", "invoice", "2026", "@", "shoe", "#7", "ok", "Total: 12.50"];

    /// <summary>Words, numbers and single letters in random sizes, dark on light or light on dark, at random angles.</summary>
    private static Family Text(Random random) => Render(random, (canvas, paint, size) =>
    {
        using var font = new SKFont(SKTypeface.Default, random.Next(14, 60));
        string word = Words[random.Next(Words.Length)];
        canvas.RotateDegrees(random.Next(-30, 31), size / 2f, size / 2f);
        canvas.DrawText(word, random.Next(0, size / 3), random.Next(size / 3, size), font, paint);
    });

    /// <summary>Circles, rectangles, triangles and lines, filled or outlined.</summary>
    private static Family Shapes(Random random) => Render(random, (canvas, paint, size) =>
    {
        paint.Style = random.Next(2) == 0 ? SKPaintStyle.Fill : SKPaintStyle.Stroke;
        paint.StrokeWidth = random.Next(2, 10);
        float x = random.Next(10, size - 10), y = random.Next(10, size - 10), r = random.Next(8, size / 2);
        switch (random.Next(4))
        {
            case 0: canvas.DrawCircle(x, y, r, paint); break;
            case 1: canvas.DrawRect(x - r, y - r / 2, 2 * r, r, paint); break;
            case 2:
                using (var path = new SKPath())
                {
                    path.MoveTo(x, y - r);
                    path.LineTo(x + r, y + r);
                    path.LineTo(x - r, y + r);
                    path.Close();
                    canvas.DrawPath(path, paint);
                }
                break;
            default:
                paint.StrokeWidth = random.Next(3, 12);
                canvas.DrawLine(random.Next(size), random.Next(size), random.Next(size), random.Next(size), paint);
                break;
        }
    });

    private static readonly string[] Glyphs =
        ["☂", "☎", "✈", "♞", "⚓", "☀", "✿", "♫", "★", "♠", "♣", "♥", "☯", "☮", "⚙", "✂", "✉", "☕", "⌛", "⚡", "❄", "☃", "⚽", "⌂",
            "♛", "☘", "✋", "⚑", "☠", "♻", "⚖", "✎", "☢", "⚛", "♜", "☁"];

    /// <summary>One large symbol (objects, animals, signs from the default font's symbol ranges) per image, at random angles.</summary>
    private static Family Symbols(Random random) => Render(random, (canvas, paint, size) =>
    {
        using var typeface = SKFontManager.Default.MatchCharacter("DejaVu Sans", '☂') ?? SKTypeface.Default;
        using var font = new SKFont(typeface, random.Next(50, 100));
        string glyph = Glyphs[random.Next(Glyphs.Length)];
        canvas.RotateDegrees(random.Next(-20, 21), size / 2f, size / 2f);
        canvas.DrawText(glyph, size / 2f, size * 0.75f, SKTextAlign.Center, font, paint);
    });

    /// <summary>The folder of <see cref="Icons"/>: Debian's adwaita-icon-theme.</summary>
    public const string IconFolder = "/usr/share/icons/Adwaita/96x96";

    /// <summary>
    /// Up to <see cref="FamilySize"/> of the desktop's icons (logos, devices, places, symbols; every k-th in path order), PNGs
    /// with transparency as a user would send them, through the whole preprocessing; null (with a note) without the folder.
    /// </summary>
    private static Family? Icons(List<string> notes)
    {
        string[] files = Directory.Exists(IconFolder)
            ? [.. Directory.EnumerateFiles(IconFolder, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal)]
            : [];
        if (files.Length == 0)
        {
            notes.Add($"icons left out: no PNG under {IconFolder} (Debian's adwaita-icon-theme)");
            return null;
        }
        int step = Math.Max(1, files.Length / FamilySize);
        var images = new List<GrayImage>();
        for (int i = 0; i < files.Length && images.Count < FamilySize; i += step)
        {
            try
            {
                images.Add(ImagePreprocessor.Preprocess(File.ReadAllBytes(files[i]), files[i]));
            }
            catch (ImageRejectedException)
            {
                // An icon the decoder refuses is not an image a user could send either.
            }
        }
        return Flatten(images);
    }

    private static Family Render(Random random, Action<SKCanvas, SKPaint, int> draw)
    {
        const int size = 112;
        var images = new List<GrayImage>();
        for (int i = 0; i < FamilySize; i++)
        {
            bool darkOnLight = random.Next(2) == 0;
            byte background = darkOnLight ? (byte)random.Next(200, 256) : (byte)random.Next(0, 50);
            byte ink = darkOnLight ? (byte)random.Next(0, 80) : (byte)random.Next(180, 256);
            using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque));
            using (var canvas = new SKCanvas(bitmap))
            using (var paint = new SKPaint { Color = new SKColor(ink, ink, ink), IsAntialias = true })
            {
                canvas.Clear(new SKColor(background, background, background));
                draw(canvas, paint, size);
            }
            ReadOnlySpan<byte> rgba = bitmap.GetPixelSpan();
            var gray = new byte[size * size];
            for (int j = 0; j < gray.Length; j++) gray[j] = rgba[4 * j];
            images.Add(ImagePreprocessor.Normalize(new GrayImage(size, size, gray)));
        }
        return Flatten(images);
    }

    /// <summary>A file of confidence_ood_images.py (int32 count, height, width, then the bytes), each image preprocessed to
    /// 28×28.</summary>
    private static Family ReadRaw(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 12) throw new InvalidDataException($"{path}: expected a 12-byte header, found {bytes.Length} bytes");
        int count = BitConverter.ToInt32(bytes, 0), height = BitConverter.ToInt32(bytes, 4), width = BitConverter.ToInt32(bytes, 8);
        if (count <= 0 || height <= 0 || width <= 0 || bytes.Length != 12 + (long)count * height * width)
            throw new InvalidDataException(
                $"{path}: expected {count} × {height} × {width} bytes after the header, found {bytes.Length - 12}");
        return Flatten(Enumerable.Range(0, count).Select(i =>
            ImagePreprocessor.Normalize(new GrayImage(width, height, bytes.AsSpan(12 + i * height * width, height * width).ToArray()))));
    }

    /// <summary>The images' pixels end to end, and whether each one's source had a foreground.</summary>
    private static Family Flatten(IEnumerable<GrayImage> images)
    {
        List<GrayImage> list = [.. images];
        return new Family([.. list.SelectMany(g => g.Pixels)], [.. list.Select(g => g.SourceHasForeground)]);
    }

    private sealed record Family(byte[] Pixels, bool[] SourceHasForeground);

    /// <summary>Runs confidence_ood_images.py into a temp folder; null (with a note) when python3 or its packages are missing.</summary>
    private static string? PythonFamilies(List<string> notes)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "confidence_ood_images.py");
        string dir = Directory.CreateTempSubdirectory("confidence-ood-").FullName;
        try
        {
            using var process = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, dir])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            string error = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) notes.Add($"digits and photos left out: {script} failed ({error.Trim().Split('\n')[^1]})");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            notes.Add($"digits and photos left out: /usr/bin/python3 not found ({ex.Message})");
        }
        return dir;
    }
}
