using System.Text;

namespace MlNetFashion.Scoring.Imaging;

/// <summary>
/// An image's encoded bytes before <see cref="ImageDecoder"/>: read from a file or a stream with a bound, and, when no
/// codec takes them, what they are instead, so the error can say "a HEIC image" rather than "not an image".
/// </summary>
public static class EncodedImage
{
    /// <summary>
    /// The most bytes read as one image: a 50-megapixel (<see cref="ImageDecoder.MaxPixels"/>) BMP of four bytes a pixel
    /// is 200 MB, so a larger file cannot be an image the pipeline takes; it is refused before it is read.
    /// </summary>
    public const long MaxBytes = 256L << 20;

    /// <summary>The formats the decoder takes, as every "not an image" message lists them.</summary>
    public const string Supported = "PNG, JPEG, BMP, GIF or WebP";

    /// <summary>
    /// The file's bytes; over <see cref="MaxBytes"/>, an <see cref="ImageRejectedException"/> naming <paramref name="name"/>.
    /// A pipe (/dev/stdin) has no length to check first: it is read with <see cref="Read"/>'s bound.
    /// </summary>
    public static byte[] ReadFile(string path, string name)
    {
        if (!File.Exists(path)) throw NotFound(path, name);
        long length = new FileInfo(path).Length;
        if (length > MaxBytes) throw TooLarge(name, length);
        using FileStream file = File.OpenRead(path);
        if (!file.CanSeek) return Read(file, name);
        var bytes = new byte[file.Length];
        file.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>
    /// "X: image file not found"; for a name that .NET listed from a folder but decoded with U+FFFD (bytes that are not
    /// UTF-8, such as a Latin-1 "café"), why it cannot be opened: .NET opens files by UTF-8 names only; for a web address
    /// given as a path, that it is read as a file name.
    /// </summary>
    public static FileNotFoundException NotFound(string path, string name) => new(path switch
    {
        _ when path.Contains('\uFFFD', StringComparison.Ordinal) =>
            $"{name}: the file name is not valid UTF-8 (shown with \uFFFD), and .NET cannot open such a file: rename it",
        _ when path.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase) =>
            $"{name}: image file not found: a web address is not read from the web here; download the image first",
        _ => $"{name}: image file not found",
    }, path);

    /// <summary>The stream's bytes from where it stands, reading no more than one byte past <see cref="MaxBytes"/>.</summary>
    public static byte[] Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBytes) throw TooLarge(name, stream.CanSeek ? stream.Length : null);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The name of a common image (or document) format no codec here decodes, recognised by its first bytes: phones'
    /// HEIC (HEIF) and AVIF, TIFF (and the camera raw files built on it), JPEG XL, Photoshop, PDF and SVG; null for anything else.
    /// </summary>
    public static string? UnsupportedFormat(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length >= 12 && encoded[4..8].SequenceEqual("ftyp"u8))
        {
            string brand = Encoding.ASCII.GetString(encoded[8..12]);
            return brand switch
            {
                "avif" or "avis" => "AVIF",
                "heic" or "heix" or "hevc" or "hevx" => "HEIC",
                "mif1" or "msf1" => "HEIF",
                _ => null,
            };
        }
        if (encoded.StartsWith("II*\0"u8) || encoded.StartsWith("MM\0*"u8)) return "TIFF";
        if (encoded.StartsWith(new byte[] { 0xFF, 0x0A }) || encoded.StartsWith("\0\0\0\u000CJXL "u8)) return "JPEG XL";
        if (encoded.StartsWith("8BPS"u8)) return "Photoshop";
        if (encoded.StartsWith("%PDF"u8)) return "PDF";
        ReadOnlySpan<byte> head = encoded[..Math.Min(encoded.Length, 1024)];
        return head.TrimStart(" \t\r\n\uFEFF"u8).StartsWith("<"u8) && head.IndexOf("<svg"u8) >= 0 ? "SVG" : null;
    }

    /// <summary>
    /// The photo format a file name's extension stands for when no codec here decodes it (.heic, .heif, .avif, .tif, .tiff,
    /// .jxl, and cameras' raw files: .dng, .cr2, .nef, .arw …), so a folder's passed-over photos can be named before their
    /// bytes are read; null for any other extension.
    /// </summary>
    public static string? UndecodablePhotoFormat(string fileName) =>
        Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".heic" => "HEIC",
            ".heif" => "HEIF",
            ".avif" => "AVIF",
            ".tif" or ".tiff" => "TIFF",
            ".jxl" => "JPEG XL",
            ".dng" or ".cr2" or ".cr3" or ".nef" or ".nrw" or ".arw" or ".raf" or ".orf" or ".rw2" or ".pef" or ".srw" =>
                $"{Path.GetExtension(fileName)[1..].ToUpperInvariant()} raw",
            _ => null,
        };

    /// <summary>
    /// The one line a decoder gives bytes no codec takes, naming their format by the file's extension first: a camera's raw
    /// file is a TIFF by its bytes, but a NEF raw to its owner.
    /// </summary>
    public static string NotAnImage(ReadOnlySpan<byte> encoded, string name) =>
        (UndecodablePhotoFormat(name) ?? UnsupportedFormat(encoded)) is { } format
        ? $"{name}: {CannotDecode(format)}"
        : $"{name}: not an image ({Supported} expected)";

    /// <summary>Why a file of <paramref name="format"/> is refused, and what to do about it.</summary>
    public static string CannotDecode(string format) =>
        $"the {format} format cannot be decoded here ({Supported} expected; convert the file to one of them)";

    private static ImageRejectedException TooLarge(string name, long? length) => new(
        $"{name}: expected an image of at most {MaxBytes >> 20} MB, received "
        + (length is { } bytes ? $"{bytes / (1024.0 * 1024):N0} MB" : "a longer stream"));
}
