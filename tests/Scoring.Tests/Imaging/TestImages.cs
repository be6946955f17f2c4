using System.Buffers.Binary;
using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Tests.Imaging;

/// <summary>Small images built by hand for the preprocessing tests.</summary>
internal static class TestImages
{
    /// <summary>An image of one colour everywhere but a rectangle of another.</summary>
    public static ColorImage Rectangle(int width, int height, (int X, int Y, int W, int H) box, float[] inside, float[] outside)
    {
        var rgba = new float[4 * width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                bool within = x >= box.X && x < box.X + box.W && y >= box.Y && y < box.Y + box.H;
                (within ? inside : outside).CopyTo(rgba, 4 * (y * width + x));
            }
        return new ColorImage(width, height, rgba);
    }

    /// <summary>
    /// The first bytes of a PNG whose header claims width×height RGB pixels, followed by a tiny IDAT and IEND: a few
    /// dozen bytes that would decode to gigabytes (a decompression bomb's header).
    /// </summary>
    public static byte[] PngClaiming(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;   // bit depth
        ihdr[9] = 2;   // colour type RGB
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        byte[] typed = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, System.IO.Hashing.Crc32.HashToUInt32(typed));
        png.Write(length);
        png.Write(typed);
        png.Write(crc);
    }
}
