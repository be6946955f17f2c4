using System.Buffers.Binary;
using System.IO.Compression;

using MlNetFashion.Engine.IO;

namespace MlNetFashion.Pipeline.Data;

/// <summary>Writes IDX files (optionally gzip), temp file then rename: a crash never leaves a half-written file.</summary>
public static class IdxWriter
{
    public static void Write(string path, int magic, int[] dimensions, ReadOnlySpan<byte> data, bool gzip)
    {
        byte[] header = new byte[4 + 4 * dimensions.Length];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (int i = 0; i < dimensions.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dimensions[i]);
        byte[] payload = data.ToArray();
        AtomicFile.Write(path, stream =>
        {
            Stream target = gzip ? new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true) : stream;
            target.Write(header);
            target.Write(payload);
            if (gzip) target.Dispose();
        });
    }

    public static void WriteImages(string path, ReadOnlySpan<byte> pixels, int count, int rows, int cols, bool gzip = false)
        => Write(path, IdxFile.ImagesMagic, [count, rows, cols], pixels, gzip);

    public static void WriteLabels(string path, ReadOnlySpan<byte> labels, bool gzip = false)
        => Write(path, IdxFile.LabelsMagic, [labels.Length], labels, gzip);
}
