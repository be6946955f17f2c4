namespace MlNetFashion.Engine.IO;

/// <summary>
/// A folder results go to. A run checks it before any work (<see cref="CheckWritable"/>): an hour of training must not
/// end in "Could not find file" because --out names a read-only mount or a path under a file.
/// </summary>
public static class OutputFolder
{
    /// <summary>Creates <paramref name="directory"/> (and its parents); IOException "DIR: cannot create the folder (why)".</summary>
    public static void Create(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // .NET says "Could not find file" for a parent that is a file or a read-only mount: say what failed.
            throw new IOException($"{directory}: cannot create the folder ({ex.Message.TrimEnd('.')})", ex);
        }
    }

    /// <summary>
    /// Throws IOException naming <paramref name="directory"/> unless a file can be written there; leaves the file system
    /// as it found it (folders it had to create for the probe are removed again: nothing is written before a run succeeds).
    /// </summary>
    public static void CheckWritable(string directory)
    {
        string full = Path.GetFullPath(directory);
        string? created = null;   // the outermost folder this check creates
        for (string? d = full; d is not null && !Directory.Exists(d); d = Path.GetDirectoryName(d)) created = d;
        Create(directory);
        string probe = Path.Combine(full, $".write-check-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{directory}: cannot write in the folder ({ex.Message.TrimEnd('.')})", ex);
        }
        finally
        {
            try
            {
                if (created is not null) Directory.Delete(created, recursive: true);
            }
            catch (IOException)
            {
                // Left behind empty: harmless, and the check's own answer matters more.
            }
        }
    }
}
