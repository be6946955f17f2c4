using System.Buffers.Binary;

namespace MlNetFashion.Benchmarks.Robustness;

/// <summary>
/// Writes an EXIF orientation tag into a JPEG, as a phone does when it stores the sensor's pixels sideways: one APP1
/// segment right after the SOI marker holding "Exif\0\0", a big-endian TIFF header and one IFD with one entry,
/// tag 0x0112 (Orientation), type SHORT, count 1, the value 1–8.
/// </summary>
public static class JpegOrientation
{
    public static byte[] WithOrientation(byte[] jpeg, int orientation)
    {
        if (jpeg.Length < 2 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) throw new ArgumentException("expected a JPEG (it starts with FF D8)");
        ArgumentOutOfRangeException.ThrowIfLessThan(orientation, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(orientation, 8);
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,     // big-endian TIFF header, first IFD at offset 8
            0, 1,                                         // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1,                // Orientation, SHORT, count 1
            0, (byte)orientation, 0, 0,                  // the value, left-aligned in the 4-byte field
            0, 0, 0, 0,                                   // no next IFD
        ];
        byte[] exif = [.. "Exif\0\0"u8, .. tiff];
        var segment = new byte[4 + exif.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(2 + exif.Length));   // the length counts itself
        exif.CopyTo(segment, 4);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>
    /// The stored (sideways) pixels a camera writes for an upright width×height RGBA image under orientation 1–8: the
    /// inverse of what a reader applies, so that reading them with the tag gives the upright image back.
    /// </summary>
    public static (byte[] Rgba, int Width, int Height) Store(byte[] upright, int width, int height, int orientation)
    {
        bool swap = orientation >= 5;
        int w = swap ? height : width, h = swap ? width : height;   // stored size
        var stored = new byte[upright.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                // Upright (x, y) is read from stored (sx, sy): the reader's mapping (ImageDecoder.Orient), inverted by writing.
                (int sx, int sy) = orientation switch
                {
                    2 => (w - 1 - x, y),
                    3 => (w - 1 - x, h - 1 - y),
                    4 => (x, h - 1 - y),
                    5 => (y, x),
                    6 => (y, h - 1 - x),
                    7 => (w - 1 - y, h - 1 - x),
                    8 => (w - 1 - y, x),
                    _ => (x, y),
                };
                Array.Copy(upright, 4 * (y * width + x), stored, 4 * (sy * w + sx), 4);
            }
        return (stored, w, h);
    }
}
