using System.Buffers.Binary;
using System.IO.Compression;
using MlNetFashion.Pipeline.Data;

namespace MlNetFashion.Scoring.Classification;

/// <summary>
/// Reads an IDX file of 28×28 images (raw or .gz, told by its first bytes) a chunk at a time, so a file of any size is
/// scored in bounded memory: the header is checked first, then images are read on demand.
/// </summary>
public sealed class IdxImageStream : IDisposable
{
    public const int ImageBytes = 28 * 28;
    private readonly Stream _file, _data;
    private readonly string _name;

    public IdxImageStream(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: images file not found", path);
        _name = Path.GetFileName(path);
        _file = File.OpenRead(path);
        try
        {
            Span<byte> magic = stackalloc byte[2];
            int got = _file.Read(magic);
            _file.Position = 0;
            _data = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(_file, CompressionMode.Decompress) : _file;
            Span<byte> header = stackalloc byte[16];
            if (ReadFully(header) < 16)
                throw new InvalidDataException($"{_name}: expected a 16-byte IDX images header, the file is shorter");
            int kind = BinaryPrimitives.ReadInt32BigEndian(header);
            if (kind != IdxFile.ImagesMagic)
                throw new InvalidDataException($"{_name}: expected the IDX images magic 0x{IdxFile.ImagesMagic:x8}, found 0x{kind:x8}");
            Count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
            int rows = BinaryPrimitives.ReadInt32BigEndian(header[8..]), cols = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
            if (rows != 28 || cols != 28) throw new InvalidDataException($"{_name}: expected images of 28×28, found {rows}×{cols}");
            if (Count < 0) throw new InvalidDataException($"{_name}: negative image count {Count}");
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    /// <summary>The number of images the header announces.</summary>
    public int Count { get; }

    /// <summary>Images read (or skipped) so far.</summary>
    public int Position { get; private set; }

    /// <summary>Reads up to destination.Length / 784 images; 0 at the end. A file shorter than its header says is an error.</summary>
    public int Read(Span<byte> destination)
    {
        int images = Math.Min(destination.Length / ImageBytes, Count - Position);
        if (images <= 0) return 0;
        int bytes = images * ImageBytes;
        try
        {
            if (ReadFully(destination[..bytes]) < bytes)
                throw new InvalidDataException(
                    $"{_name}: the header announces {Count:N0} images, the data ends within image {Position + 1:N0}");
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith(_name, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{_name}: corrupt or truncated gzip data ({ex.Message})", ex);
        }
        Position += images;
        return images;
    }

    /// <summary>Moves past <paramref name="images"/> images (a seek in a raw file; read and dropped in a .gz file).</summary>
    public void Skip(int images)
    {
        if (images < 0 || images > Count - Position) throw new ArgumentOutOfRangeException(nameof(images));
        if (_data == _file)
        {
            _file.Position = 16 + (long)(Position + images) * ImageBytes;
            Position += images;
            return;
        }
        var buffer = new byte[256 * ImageBytes];
        while (images > 0) images -= Read(buffer.AsSpan(0, Math.Min(images, 256) * ImageBytes));
    }

    public void Dispose()
    {
        _data.Dispose();
        _file.Dispose();
    }

    private int ReadFully(Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int read = _data.Read(destination[total..]);
            if (read == 0) break;
            total += read;
        }
        return total;
    }
}
