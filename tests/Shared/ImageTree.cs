using SkiaSharp;

namespace MlNetFashion.Tests.Shared;

/// <summary>
/// Tiny labelled image folders for tests: DIR/&lt;label&gt;/NNN.png, each class a shape a small net tells apart in a
/// few epochs (a vertical bar, a horizontal bar, a ring, a diagonal …), drawn dark on white at a seeded random offset
/// and size, as a photo of an object on a light table would be. Each image also has its own tilt, stroke width and ink:
/// the photo preprocessing crops, scales and centres the object, so offset and size alone would give every image of a
/// class the same 28×28 input, and a test split would be copies of training images.
/// </summary>
internal static class ImageTree
{
    public static string Create(string root, IReadOnlyList<string> labels, int perClass, int seed = 1)
    {
        Directory.CreateDirectory(root);
        var random = new Random(seed);
        for (int k = 0; k < labels.Count; k++)
        {
            string folder = Directory.CreateDirectory(Path.Combine(root, labels[k])).FullName;
            for (int i = 0; i < perClass; i++) File.WriteAllBytes(Path.Combine(folder, $"{i:D3}.png"), Draw(k, random));
        }
        return root;
    }

    /// <summary>A 48×48 PNG of shape <paramref name="shape"/> (0 … 3).</summary>
    public static byte[] Draw(int shape, Random random)
    {
        using var bitmap = new SKBitmap(48, 48);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var ink = new SKPaint
            {
                Color = new SKColor((byte)(10 + random.Next(50)), (byte)(10 + random.Next(50)), (byte)(10 + random.Next(50))),
                IsAntialias = true, StrokeWidth = 3 + random.Next(5), Style = SKPaintStyle.Stroke,
            };
            float x = 14 + random.Next(20), y = 14 + random.Next(20), size = 8 + random.Next(6);
            // ±15° leaves the bars' classes (0°, 45°, 90°) 15° apart at the least.
            canvas.RotateDegrees(random.Next(-15, 16), x, y);
            switch (shape % 4)
            {
                case 0: canvas.DrawLine(x, y - size, x, y + size, ink); break;
                case 1: canvas.DrawLine(x - size, y, x + size, y, ink); break;
                case 2: canvas.DrawOval(x, y, size, size * (0.7f + 0.3f * random.NextSingle()), ink); break;
                default: canvas.DrawLine(x - size, y - size, x + size, y + size, ink); break;
            }
        }
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
