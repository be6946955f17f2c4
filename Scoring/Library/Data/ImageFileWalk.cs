using System.IO.Enumeration;

namespace MlNetFashion.Scoring.Data;

/// <summary>
/// The image files under a folder, its subfolders included, in one order that does not depend on the file system: each
/// folder's entries sorted by ordinal name, a subfolder walked where its name sorts. Lazy: one folder's names are held at
/// a time per level (a folder of a million files costs its names, ~50 MB, not a list of the whole tree), so a stopped
/// run can skip to where it was. Image files are those with <see cref="ImageFolder.Extensions"/>; hidden entries (".x")
/// and symbolic links to folders are left out (a link cycle would never end).
/// </summary>
public sealed class ImageFileWalk
{
    private long? _count;
    private PassedOverPhotos? _passedOver;

    /// <summary>Throws <see cref="DirectoryNotFoundException"/> naming the folder when it does not exist.</summary>
    public ImageFileWalk(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException(
                File.Exists(folder) ? $"{folder}: expected a folder, found a file" : $"{folder}: folder not found");
        Folder = Path.GetFullPath(folder);
    }

    /// <summary>The folder, as a full path.</summary>
    public string Folder { get; }

    /// <summary>How many image files the walk yields: counted once, without sorting or holding names.</summary>
    public long Count => _count ??= CountIn(Folder, _passedOver = new PassedOverPhotos());

    /// <summary>The photos the walk passes over for their format (HEIC, TIFF …), counted with <see cref="Count"/>.</summary>
    public PassedOverPhotos PassedOver
    {
        get
        {
            _ = Count;
            return _passedOver!;
        }
    }

    /// <summary>The image files' paths relative to <see cref="Folder"/>, with '/' between folders, in walk order.</summary>
    public IEnumerable<string> Files() => Walk(Folder, "");

    private static IEnumerable<string> Walk(string folder, string prefix)
    {
        Entry[] entries = [.. Entries(folder)];
        Array.Sort(entries, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (Entry entry in entries)
        {
            if (!entry.IsFolder) yield return prefix + entry.Name;
            else
                foreach (string file in Walk(Path.Combine(folder, entry.Name), prefix + entry.Name + "/"))
                    yield return file;
        }
    }

    private static long CountIn(string folder, PassedOverPhotos passedOver)
    {
        long count = 0;
        var pending = new Stack<string>([folder]);
        while (pending.TryPop(out string? next))
            foreach (Entry entry in Entries(next, allFiles: true))
            {
                if (entry.IsFolder) pending.Push(Path.Combine(next, entry.Name));
                else if (ImageFolder.IsImageFile(entry.Name)) count++;
                else passedOver.Add(entry.Name);
            }
        return count;
    }

    /// <summary>One folder's image files (or, with <paramref name="allFiles"/>, all its files) and real subfolders, in file
    /// system order.</summary>
    private static FileSystemEnumerable<Entry> Entries(string folder, bool allFiles = false) =>
        new(folder, (ref FileSystemEntry e) => new Entry(e.FileName.ToString(), e.IsDirectory),
            new EnumerationOptions { AttributesToSkip = FileAttributes.Hidden | FileAttributes.System, IgnoreInaccessible = false })
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => !e.FileName.StartsWith(".")
                && (e.IsDirectory ? (e.Attributes & FileAttributes.ReparsePoint) == 0 : allFiles || ImageFolder.IsImageFile(e.FileName)),
        };

    private readonly record struct Entry(string Name, bool IsFolder);
}
