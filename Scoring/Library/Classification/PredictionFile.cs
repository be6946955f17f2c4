using System.Globalization;
using System.Text;
using System.Text.Json;
using MlNetFashion.Pipeline;

namespace MlNetFashion.Scoring.Classification;

/// <summary>The layout of a predictions file: CSV (a header, then a row per image) or JSON Lines (an object per line).</summary>
public enum PredictionFileFormat
{
    Csv,
    JsonLines,
}

/// <summary>
/// A predictions file written a chunk at a time and flushed to disk after each, one row per image in input order
/// (index, label, labelIndex, confidence, the ten probabilities). After a crash it is resumed: a row cut short is
/// dropped, and scoring continues at the first image without a complete row — no row twice, none missing.
/// </summary>
public sealed class PredictionFile : IDisposable
{
    private static readonly string CsvHeader =
        "index,label,labelIndex,confidence," + string.Join(',', Enumerable.Range(0, 10).Select(k => $"p{k}"));
    private readonly FileStream _stream;
    private readonly PredictionFileFormat _format;
    private readonly StringBuilder _text = new();

    private PredictionFile(FileStream stream, PredictionFileFormat format, int rows) => (_stream, _format, Rows) = (stream, format, rows);

    /// <summary>Complete rows in the file: the index of the next image to write.</summary>
    public int Rows { get; private set; }

    /// <summary>.csv → CSV; .jsonl, .ndjson → JSON Lines; anything else is refused.</summary>
    public static PredictionFileFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => PredictionFileFormat.Csv,
        ".jsonl" or ".ndjson" => PredictionFileFormat.JsonLines,
        _ => throw new ArgumentException($"{path}: expected a .csv or .jsonl file name (the extension picks the format)"),
    };

    /// <summary>
    /// A new file, or with <paramref name="resume"/> the file a previous run left (its complete rows are kept). An
    /// existing file without <paramref name="resume"/> is refused, so a finished run is never overwritten by mistake.
    /// </summary>
    public static PredictionFile Open(string path, bool resume)
    {
        PredictionFileFormat format = FormatOf(path);
        bool exists = File.Exists(path);
        if (exists && !resume) throw new IOException($"{path}: already exists; continue it with --resume, or remove it");
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder)) throw new DirectoryNotFoundException($"{path}: folder {folder} not found");
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            int rows = exists ? Recover(stream, path, format) : 0;
            stream.Seek(0, SeekOrigin.End);
            var file = new PredictionFile(stream, format, rows);
            if (stream.Length == 0 && format == PredictionFileFormat.Csv) file.WriteText(CsvHeader + "\n");
            return file;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Appends rows for the next images (probabilities [n, 10] in Fashion-MNIST's order) and flushes them to disk.</summary>
    public void Append(ReadOnlySpan<float> probabilities)
    {
        IReadOnlyList<string> names = FashionMnistClasses.Names;
        var c = CultureInfo.InvariantCulture;
        int n = probabilities.Length / 10;
        _text.Clear();
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> p = probabilities.Slice(i * 10, 10);
            int k = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(p);
            int index = Rows + i;
            if (_format == PredictionFileFormat.Csv)
            {
                _text.Append(c, $"{index},\"{names[k]}\",{k},{p[k]:R}");
                foreach (float v in p) _text.Append(c, $",{v:R}");
            }
            else
            {
                _text.Append(c, $"{{\"index\":{index},\"label\":{JsonSerializer.Serialize(names[k])},\"labelIndex\":{k},")
                    .Append(c, $"\"confidence\":{p[k]:R},\"probabilities\":[");
                for (int j = 0; j < 10; j++) _text.Append(c, $"{(j > 0 ? "," : "")}{p[j]:R}");
                _text.Append("]}");
            }
            _text.Append('\n');
        }
        WriteText(_text.ToString());
        Rows += n;
    }

    public void Dispose() => _stream.Dispose();

    private void WriteText(string text)
    {
        _stream.Write(Encoding.UTF8.GetBytes(text));
        _stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Counts the complete rows, checks they are numbered 0, 1, 2, …, and cuts off a row a crash left half-written. Reads
    /// line by line: a file of a million rows is not held in memory.
    /// </summary>
    private static int Recover(FileStream stream, string path, PredictionFileFormat format)
    {
        long end = EndOfLastLine(stream);   // everything after the last newline is a row cut short
        stream.Position = 0;
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16,
            leaveOpen: true);
        long consumed = 0;
        int lineNumber = 0, rows = 0;
        while (consumed < end && reader.ReadLine() is { } line)
        {
            consumed += Encoding.UTF8.GetByteCount(line) + 1;
            lineNumber++;
            if (format == PredictionFileFormat.Csv && lineNumber == 1)
            {
                if (line != CsvHeader)
                    throw new InvalidDataException($"{path}: not a predictions file of this program (its first line is not {CsvHeader})");
                continue;
            }
            string number = format == PredictionFileFormat.Csv ? line.Split(',')[0]
                : line.StartsWith("{\"index\":", StringComparison.Ordinal) && line.IndexOf(',') > 9 ? line[9..line.IndexOf(',')] : "";
            if (number != rows.ToString(CultureInfo.InvariantCulture))
                throw new InvalidDataException(
                    $"{path}: line {lineNumber}: expected the row of image {rows}, found '{line[..Math.Min(line.Length, 40)]}'");
            rows++;
        }
        stream.SetLength(end);
        return rows;
    }

    /// <summary>The offset just past the file's last newline (0 when it has none), found by reading back from the end.</summary>
    private static long EndOfLastLine(FileStream stream)
    {
        var block = new byte[1 << 16];
        for (long blockEnd = stream.Length; blockEnd > 0;)
        {
            int size = (int)Math.Min(block.Length, blockEnd);
            stream.Position = blockEnd - size;
            stream.ReadExactly(block, 0, size);
            int at = Array.LastIndexOf(block, (byte)'\n', size - 1, size);
            if (at >= 0) return blockEnd - size + at + 1;
            blockEnd -= size;
        }
        return 0;
    }
}
