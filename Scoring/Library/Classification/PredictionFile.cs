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
/// (index, label, labelIndex, confidence, a probability per class). Rows of image files also carry the file (relative to
/// the folder scored) and an error: an image that cannot be read or decoded is a row with its error and no prediction, so
/// rows stay one per file. After a crash it is resumed: a row cut short is dropped, and scoring continues at the first
/// image without a complete row — no row twice, none missing. Nothing in an existing file changes before the first
/// write, so a resumed run refused after <see cref="Open"/> leaves the file as it was.
/// </summary>
public sealed class PredictionFile : IDisposable
{
    private readonly FileStream _stream;
    private readonly PredictionFileFormat _format;
    private readonly IReadOnlyList<string> _classes;
    private readonly bool _files;
    private readonly StringBuilder _text = new();
    private long _end;

    private PredictionFile(string path, FileStream stream, PredictionFileFormat format, IReadOnlyList<string> classes, bool files)
    {
        (FilePath, _stream, _format, _classes, _files) = (path, stream, format, classes, files);
    }

    /// <summary>The file's path, as given to <see cref="Open"/>.</summary>
    public string FilePath { get; }

    /// <summary>Complete rows in the file: the index of the next image to write.</summary>
    public int Rows { get; private set; }

    /// <summary>The file of the last complete row of image files; null when there is none (or rows carry no file).</summary>
    public string? LastFile { get; private set; }

    /// <summary>.csv → CSV; .jsonl, .ndjson → JSON Lines; anything else is refused.</summary>
    public static PredictionFileFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => PredictionFileFormat.Csv,
        ".jsonl" or ".ndjson" => PredictionFileFormat.JsonLines,
        _ => throw new ArgumentException($"{path}: expected a .csv or .jsonl file name (the extension picks the format)"),
    };

    /// <summary>The CSV header: index[,file],label,labelIndex,confidence,p0…p(K-1),inDistributionScore,verdict[,error].</summary>
    public static string CsvHeader(int classes, bool files) =>
        "index," + (files ? "file," : "") + "label,labelIndex,confidence,"
        + string.Join(',', Enumerable.Range(0, classes).Select(k => $"p{k}")) + ",inDistributionScore,verdict" + (files ? ",error" : "");

    /// <summary>
    /// A new file, or with <paramref name="resume"/> the file a previous run left (its complete rows are kept). An
    /// existing file without <paramref name="resume"/> is refused, so a finished run is never overwritten by mistake.
    /// <paramref name="classes"/> (Fashion-MNIST's when null) name the probabilities; <paramref name="files"/>: rows of
    /// image files (<see cref="AppendFiles"/>) rather than of an IDX file's images (<see cref="Append"/>).
    /// </summary>
    public static PredictionFile Open(string path, bool resume, IReadOnlyList<string>? classes = null, bool files = false)
    {
        PredictionFileFormat format = FormatOf(path);
        classes ??= FashionMnistClasses.Names;
        bool exists = File.Exists(path);
        if (exists && !resume) throw new IOException($"{path}: already exists; continue it with --resume, or remove it");
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder)) throw new DirectoryNotFoundException($"{path}: folder {folder} not found");
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            var file = new PredictionFile(path, stream, format, classes, files);
            if (exists && stream.Length > 0) file.Recover(path);
            else if (format == PredictionFileFormat.Csv) file.WriteText(CsvHeader(classes.Count, files) + "\n");
            return file;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Appends rows for the next images (<see cref="BatchScorer.Score"/>'s, in order) and flushes them to disk.</summary>
    public void Append(BatchScorer.Scores scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (_files) throw new InvalidOperationException("rows of image files name their file: use AppendFiles");
        _text.Clear();
        for (int i = 0; i < scores.InDistributionScores.Length; i++) AppendRow(Rows + i, null, scores, i, null);
        WriteText(_text.ToString());
        Rows += scores.InDistributionScores.Length;
    }

    /// <summary>
    /// Appends a row per file (image i of <paramref name="scores"/> is <paramref name="files"/>[i]; a file with an error has
    /// none, its scores are ignored) and flushes them to disk.
    /// </summary>
    public void AppendFiles(IReadOnlyList<string> files, BatchScorer.Scores scores, IReadOnlyList<string?> errors)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(scores);
        if (!_files) throw new InvalidOperationException("this file's rows are an IDX file's images: use Append");
        _text.Clear();
        for (int i = 0; i < files.Count; i++) AppendRow(Rows + i, files[i], scores, i, errors[i]);
        WriteText(_text.ToString());
        Rows += files.Count;
        if (files.Count > 0) LastFile = AsWritten(files[^1]);
    }

    /// <summary>What <see cref="LastFile"/> reads back for a file written as <paramref name="file"/>.</summary>
    public string AsWritten(string file) =>
        _format == PredictionFileFormat.Csv ? file.Replace('\r', '\uFFFD').Replace('\n', '\uFFFD') : file;

    private void AppendRow(int index, string? file, BatchScorer.Scores scores, int image, string? error)
    {
        var c = CultureInfo.InvariantCulture;
        int classes = _classes.Count;
        ReadOnlySpan<float> p = error is null ? scores.Probabilities.AsSpan(image * classes, classes) : [];
        int k = error is null ? System.Numerics.Tensors.TensorPrimitives.IndexOfMax(p) : -1;
        double score = k >= 0 ? scores.InDistributionScores[image] : 0;
        string verdict = k >= 0 ? scores.Verdict(image) : "";
        if (_format == PredictionFileFormat.Csv)
        {
            _text.Append(c, $"{index}");
            if (file is not null) _text.Append(',').Append(CsvField(file));
            if (k >= 0)
            {
                _text.Append(',').Append(CsvField(_classes[k])).Append(c, $",{k},{p[k]:R}");
                foreach (float v in p) _text.Append(c, $",{v:R}");
                _text.Append(c, $",{score:R},").Append(CsvField(verdict));
            }
            else _text.Append(',', 5 + classes);
            if (_files) _text.Append(',').Append(error is null ? "" : CsvField(error));
        }
        else
        {
            _text.Append(c, $"{{\"index\":{index}");
            if (file is not null) _text.Append(",\"file\":").Append(JsonSerializer.Serialize(file));
            if (k >= 0)
            {
                _text.Append(c, $",\"label\":{JsonSerializer.Serialize(_classes[k])},\"labelIndex\":{k},")
                    .Append(c, $"\"confidence\":{p[k]:R},\"probabilities\":[");
                for (int j = 0; j < p.Length; j++) _text.Append(c, $"{(j > 0 ? "," : "")}{p[j]:R}");
                _text.Append(c, $"],\"inDistributionScore\":{score:R},\"verdict\":").Append(JsonSerializer.Serialize(verdict));
            }
            else _text.Append(",\"error\":").Append(JsonSerializer.Serialize(error));
            _text.Append('}');
        }
        _text.Append('\n');
    }

    /// <summary>
    /// A CSV field, always quoted: label names and messages may hold commas (RFC 4180: quotes doubled). A line break
    /// becomes U+FFFD: a row is one line, which is what lets a killed run be recovered line by line.
    /// </summary>
    private static string CsvField(string value) =>
        "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal).Replace('\r', '\uFFFD').Replace('\n', '\uFFFD') + "\"";

    public void Dispose() => _stream.Dispose();

    private void WriteText(string text)
    {
        // A row a crash cut short is dropped only now, once the run is certain to write after it.
        if (_stream.Length > _end) _stream.SetLength(_end);
        _stream.Seek(0, SeekOrigin.End);
        _stream.Write(Encoding.UTF8.GetBytes(text));
        _stream.Flush(flushToDisk: true);
        _end = _stream.Length;
    }

    /// <summary>
    /// Counts the complete rows, checks the header and that rows are numbered 0, 1, 2, …, and notes where the complete
    /// rows end (a row a crash left half-written is after it). Reads line by line: a file of a million rows is not held
    /// in memory. Changes nothing.
    /// </summary>
    private void Recover(string path)
    {
        _end = EndOfLastLine(_stream);
        _stream.Position = 0;
        using var reader = new StreamReader(_stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16,
            leaveOpen: true);
        long consumed = 0;
        int lineNumber = 0, rows = 0;
        string header = CsvHeader(_classes.Count, _files);
        string? last = null;
        while (consumed < _end && reader.ReadLine() is { } line)
        {
            consumed += Encoding.UTF8.GetByteCount(line) + 1;
            lineNumber++;
            if (_format == PredictionFileFormat.Csv && lineNumber == 1)
            {
                if (line == header.Replace(",inDistributionScore,verdict", "", StringComparison.Ordinal))
                    throw new InvalidDataException($"{path}: begun by an earlier version, whose rows have no inDistributionScore "
                        + "and verdict columns: finish it with that version, or start a new file");
                if (line != header)
                    throw new InvalidDataException($"{path}: not a predictions file of this run (its first line is not {header})");
                continue;
            }
            int cut = line.IndexOfAny([',', '}']);
            string number = _format == PredictionFileFormat.Csv ? line.Split(',')[0]
                : line.StartsWith("{\"index\":", StringComparison.Ordinal) && cut > 9 ? line[9..cut] : "";
            if (number != rows.ToString(CultureInfo.InvariantCulture))
                throw new InvalidDataException(
                    $"{path}: line {lineNumber}: expected the row of image {rows}, found '{line[..Math.Min(line.Length, 40)]}'");
            rows++;
            last = line;
        }
        Rows = rows;
        if (_files && last is not null) LastFile = FileOf(last, path);
    }

    /// <summary>The file column of a row of image files.</summary>
    private string FileOf(string row, string path)
    {
        if (_format == PredictionFileFormat.JsonLines)
        {
            using var json = JsonDocument.Parse(row);
            return json.RootElement.TryGetProperty("file", out JsonElement file) && file.ValueKind == JsonValueKind.String
                ? file.GetString()!
                : throw new InvalidDataException($"{path}: its last row has no \"file\": not the predictions of an image folder");
        }
        int start = row.IndexOf(',') + 1;
        if (start == 0 || start >= row.Length) throw new InvalidDataException($"{path}: its last row has no file column");
        if (row[start] != '"')
        {
            int end = row.IndexOf(',', start);
            return row[start..(end >= 0 ? end : row.Length)];
        }
        var value = new StringBuilder();
        for (int i = start + 1; i < row.Length; i++)
        {
            if (row[i] != '"') value.Append(row[i]);
            else if (i + 1 < row.Length && row[i + 1] == '"') value.Append(row[++i]);
            else return value.ToString();
        }
        throw new InvalidDataException($"{path}: its last row's file column has no closing quote");
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
