using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace MlNetFashion.Pipeline.Data;

/// <summary>
/// Reads IDX files (LeCun's MNIST format: big-endian magic 0x0000 08 DD — 08 = unsigned byte, DD = number of
/// dimensions — then DD big-endian int32 sizes, then the bytes), gzip-compressed or not (detected by the magic bytes
/// 1F 8B, not by the extension). Every problem becomes one <see cref="FashionMnistDataException"/> naming the file by its path.
/// </summary>
public static class IdxReader
{
    public static IdxFile Read(string path, int expectedMagic)
    {
        string name = path;   // as given (folder included): the data may come from --data-dir, the variable, ./data or /usr/share
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FashionMnistDataException($"{name}: cannot read the file ({ex.Message})", ex);
        }
        return Parse(name, bytes, expectedMagic);
    }

    /// <summary>Parses file content (gzip or raw); <paramref name="name"/> is used in messages.</summary>
    public static IdxFile Parse(string name, byte[] bytes, int expectedMagic)
    {
        if (bytes.Length == 0) throw new FashionMnistDataException($"{name}: the file is empty");
        if (bytes.Length >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B) bytes = Gunzip(name, bytes);
        if (bytes.Length < 4) throw new FashionMnistDataException($"{name}: expected at least 4 header bytes, found {bytes.Length}");
        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != expectedMagic)
            throw new FashionMnistDataException($"{name}: expected IDX magic 0x{expectedMagic:X8} ({Describe(expectedMagic)}), found " +
                $"0x{magic:X8}");
        int rank = magic & 0xFF;
        int header = 4 + 4 * rank;
        if (bytes.Length < header) throw new FashionMnistDataException($"{name}: expected a {header}-byte header, found {bytes.Length} " +
            "bytes");
        var dims = new int[rank];
        long expected = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (dims[i] < 0) throw new FashionMnistDataException($"{name}: dimension {i} is negative ({dims[i]})");
            // Saturate instead of overflowing: absurd headers must still give the "expected … bytes" message.
            expected = dims[i] == 0 ? 0 : expected > long.MaxValue / Math.Max(1, dims[i]) ? long.MaxValue / 2 : expected * dims[i];
        }
        expected += header;
        if (bytes.LongLength != expected)
            throw new FashionMnistDataException($"{name}: expected {N(expected)} bytes for dimensions [{string.Join(", ", dims)}], found " +
                $"{N(bytes.LongLength)}");
        return new IdxFile(name, dims, bytes.AsSpan(header).ToArray());
    }

    /// <summary>For .NET's InvalidDataException, which words a bad checksum or bad deflate data as "The archive entry was
    /// compressed using an unsupported compression method".</summary>
    internal const string DamagedGzip = "the compressed data or its checksum is damaged";

    private static byte[] Gunzip(string name, byte[] compressed)
    {
        using var output = new MemoryStream();
        try
        {
            using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            input.CopyTo(output);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or EndOfStreamException)
        {
            string detail = ex is InvalidDataException ? DamagedGzip : ex.Message.TrimEnd('.');
            throw new FashionMnistDataException($"{name}: corrupt or truncated gzip data ({detail})", ex);
        }
        // GZipStream checks each member's trailer (CRC-32, ISIZE) when the member ends, reads every member that follows
        // (RFC 1952 allows several), and stops without error both at a file cut short and at bytes after the last
        // member that are not gzip. A whole file ends with the last member's trailer: a CRC-32 and size that fit the
        // last bytes decompressed (a cut file's last 8 bytes are data, and fit by chance once in 2³²).
        int end = TrailerEnd(compressed, output.GetBuffer().AsSpan(0, (int)output.Length));
        if (end < 0)
            throw new FashionMnistDataException($"{name}: corrupt or truncated gzip data (decompressed {N(output.Length)} bytes before " +
                "the data ended)");
        if (end < compressed.Length)
            throw new FashionMnistDataException($"{name}: corrupt gzip data ({N(compressed.Length - end)} bytes after the end of the " +
                "gzip data are not gzip)");
        return output.ToArray();
    }

    /// <summary>
    /// Where the last member's trailer ends: the file's end if its last 8 bytes are a CRC-32 and size that fit the end
    /// of <paramref name="output"/>; else the last offset where a single member's trailer (size = all of the output)
    /// ends, when junk follows it; −1 if none. Only the exact size is searched for: a size that merely fits would send
    /// about one offset in a hundred of a cut file to a CRC of megabytes.
    /// </summary>
    private static int TrailerEnd(ReadOnlySpan<byte> compressed, ReadOnlySpan<byte> output)
    {
        if (compressed.Length < 18) return -1;
        if (TrailerFits(compressed, compressed.Length, output, anySize: true)) return compressed.Length;
        for (int end = compressed.Length - 1; end >= 18; end--)
            if (TrailerFits(compressed, end, output, anySize: false)) return end;
        return -1;
    }

    /// <summary>
    /// Whether the 8 bytes before <paramref name="end"/> are the CRC-32 and size of the end of <paramref name="output"/>.
    /// </summary>
    private static bool TrailerFits(ReadOnlySpan<byte> compressed, int end, ReadOnlySpan<byte> output, bool anySize)
    {
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(compressed[(end - 4)..]);
        bool plausible = anySize ? size > 0 && size <= output.Length : size == (uint)output.Length;
        return plausible && System.IO.Hashing.Crc32.HashToUInt32(output[^(int)size..])
            == BinaryPrimitives.ReadUInt32LittleEndian(compressed[(end - 8)..]);
    }

    private static string Describe(int magic) => magic switch
    {
        IdxFile.ImagesMagic => "unsigned-byte images, 3 dimensions",
        IdxFile.LabelsMagic => "unsigned-byte labels, 1 dimension",
        _ => "IDX",
    };

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
