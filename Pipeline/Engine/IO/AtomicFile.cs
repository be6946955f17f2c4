namespace MlNetFashion.Engine.IO;

/// <summary>
/// Writes a file so that readers see either the old content or the whole new one: write a temp file in the same
/// folder, flush it to disk, then rename over the target. A crash or an exception leaves the old file untouched.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception ex)
        {
            try { File.Delete(temp); } catch (IOException) { }
            if (ex is IOException or UnauthorizedAccessException && NamingTarget(ex, temp, full, path) is { } named) throw named;
            throw;
        }
    }

    /// <summary>
    /// The exception as one line that starts with the file the caller asked for: .NET's "No space left on device :
    /// '/run/.model.onnx.41.5f….tmp'" names a temp file the user never chose and that no longer exists, and "Is a directory :
    /// '/run/model.onnx'" puts the file last. Null when the message names neither file.
    /// </summary>
    private static Exception? NamingTarget(Exception ex, string temp, string full, string path)
    {
        string? message = (IOErrorReason.Of(ex, temp) ?? IOErrorReason.Of(ex, full)) is { } reason ? $"{path}: {reason}"
            : ex.Message.Contains(temp, StringComparison.Ordinal) ? ex.Message.Replace(temp, path, StringComparison.Ordinal)
            : null;
        if (message is null) return null;
        return ex is UnauthorizedAccessException ? new UnauthorizedAccessException(message, ex) : new IOException(message, ex);
    }

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));
}
