using SkiaSharp;

namespace MlNetFashion.Pipeline.Reporting;

/// <summary>A grid of test images with actual / predicted labels; wrong predictions get a red frame.</summary>
public static class ImageGrid
{
    public sealed record Cell(byte[] Pixels, string Actual, string Predicted, double Confidence);

    public static void Write(IReadOnlyList<Cell> cells, int columns, string path)
    {
        const int scale = 4, image = 28 * scale, pad = 8, caption = 34;
        int rows = (cells.Count + columns - 1) / columns;
        int cellWidth = image + 2 * pad, cellHeight = image + caption + 2 * pad;
        using var bitmap = new SKBitmap(columns * cellWidth, rows * cellHeight);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 11);
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var wrong = new SKPaint { Color = SKColors.Red, Style = SKPaintStyle.Stroke, StrokeWidth = 4 };
        using var pixel = new SKPaint();
        for (int i = 0; i < cells.Count; i++)
        {
            Cell cell = cells[i];
            int x0 = i % columns * cellWidth + pad, y0 = i / columns * cellHeight + pad;
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++)
                {
                    byte v = cell.Pixels[y * 28 + x];
                    pixel.Color = new SKColor(v, v, v);
                    canvas.DrawRect(x0 + x * scale, y0 + y * scale, scale, scale, pixel);
                }
            bool ok = cell.Actual == cell.Predicted;
            if (!ok) canvas.DrawRect(x0 - 2, y0 - 2, image + 4, image + 4, wrong);
            text.Color = SKColors.Black;
            canvas.DrawText(cell.Actual, x0, y0 + image + 13, font, text);
            text.Color = ok ? new SKColor(0, 110, 0) : SKColors.Red;
            canvas.DrawText($"{cell.Predicted} {cell.Confidence:P0}", x0, y0 + image + 27, font, text);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        MlNetFashion.Engine.IO.AtomicFile.WriteAllBytes(path, data.ToArray());
    }
}
