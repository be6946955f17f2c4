using System.IO.Enumeration;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Data;

/// <summary>
/// One image of a folder: its file and its class (an index into <see cref="ImageFolder.ClassNames"/>). The file's bytes are
/// not kept (a phone photo is 3–5 MB; a thousand of them would be gigabytes for 28×28 pixels each).
/// </summary>
public sealed record ImageFile(string Path, int Label)
{
    /// <summary>The 28×28 image the model takes (<see cref="ImagePreprocessor"/>), made when the folder was loaded.</summary>
    public required byte[] Pixels { get; init; }
}

/// <summary>A file left out under <see cref="BadImagePolicy.Skip"/>, and why.</summary>
public sealed record SkippedImage(string Path, string Reason);

/// <summary>
/// A labelled image folder, as Keras' image_dataset_from_directory and PyTorch's ImageFolder read one:
/// <c>DIR/&lt;label&gt;/*.{png,jpg,jpeg,bmp,gif,webp}</c> (subfolders of a class folder included). The labels are the
/// folder names as the file system spells them (any Unicode); the classes are ordered by ordinal comparison of those
/// names, so label k is the same class on every machine and in every run. Every image is read and prepared
/// (<see cref="ImagePreprocessor"/>) at load: one that cannot be, or a file of another kind, is refused or skipped by
/// <see cref="BadImagePolicy"/>. Hidden files (".DS_Store"), files directly in DIR and links to folders inside a class
/// folder are not looked at.
/// </summary>
public sealed class ImageFolder
{
    /// <summary>The file name extensions taken as images (case-insensitive).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    /// <summary>Whether a file name has one of <see cref="Extensions"/> (any case).</summary>
    public static bool IsImageFile(ReadOnlySpan<char> fileName)
    {
        ReadOnlySpan<char> extension = Path.GetExtension(fileName);
        foreach (string known in Extensions)
            if (extension.Equals(known, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>Labels are bytes in memory (<see cref="FashionMnistSplit"/>).</summary>
    public const int MaxClasses = 255;

    private ImageFolder(string directory, IReadOnlyList<string> classNames, IReadOnlyList<ImageFile> images,
        IReadOnlyList<SkippedImage> skipped)
    {
        (Directory, ClassNames, Images, Skipped) = (directory, classNames, images, skipped);
    }

    public string Directory { get; }
    /// <summary>The class names, label k = ClassNames[k].</summary>
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>The images in class order, then by path (ordinal).</summary>
    public IReadOnlyList<ImageFile> Images { get; }
    public IReadOnlyList<SkippedImage> Skipped { get; }

    /// <summary>
    /// Reads <paramref name="directory"/>. With <paramref name="classNames"/> (a test folder for a training folder's
    /// classes), its subfolders must be among them and the labels follow that list. Throws <see cref="DirectoryNotFoundException"/>
    /// or <see cref="InvalidDataException"/> naming the path: a missing folder, no class subfolders, fewer than two
    /// classes, an empty class, more than <see cref="MaxClasses"/>, two folders of one <see cref="FolderName"/>, a data set's
    /// split folders (train/, test/) in the classes' place, or (under <see cref="BadImagePolicy.Fail"/>) a bad file.
    /// </summary>
    public static ImageFolder Load(string directory, BadImagePolicy onBadImage = BadImagePolicy.Fail,
        IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (File.Exists(directory)) throw new InvalidDataException($"{directory}: expected a folder of class subfolders, found a file");
        if (!System.IO.Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: folder not found");
        var folders = new DirectoryInfo(directory).EnumerateDirectories()
            .Where(d => !d.Name.StartsWith('.'))
            .Select(d => (d.Name, Path: Path.Combine(directory, d.Name)))
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .ToList();
        if (folders.Count == 0)
            throw new InvalidDataException($"{directory}: expected one subfolder per class (DIR/<label>/*.png …), found none");
        // A model's classes named like splits ("train" among vehicles) keep their folders.
        if ((classNames is null || folders.All(f => IndexOf(classNames, f.Name) < 0)) && SplitFolders(directory, folders) is { } splits)
            throw splits;
        if (classNames is null)
        {
            if (folders.Count < 2)
                throw new InvalidDataException(
                    $"{directory}: expected at least 2 class folders, found 1 (\"{folders[0].Name}\"): " +
                    (Subfolders(folders[0].Path).Count is var inside and >= 2
                        ? $"it holds {inside} folders of its own: the classes may be those of {folders[0].Path}"
                        : "a classifier needs classes to tell apart"));
            if (folders.Count > MaxClasses)
                throw new InvalidDataException($"{directory}: expected at most {MaxClasses} class folders, found {folders.Count}");
            if (folders.GroupBy(f => FolderName(f.Name)).FirstOrDefault(g => g.Count() > 1) is { } alike)
                throw new InvalidDataException($"{directory}: folders {string.Join(" and ", alike.Select(f => $"\"{f.Name}\""))} "
                    + $"differ only in case or punctuation (both \"{alike.Key}\"), as one class's folders do: merge them, or rename "
                    + "one if they are two classes");
        }
        IReadOnlyList<string> classes = classNames ?? [.. folders.Select(f => f.Name)];
        var files = new List<(string File, int Label)>();
        var labels = new int[folders.Count];
        for (int f = 0; f < folders.Count; f++)
        {
            var (name, path) = folders[f];
            int label = labels[f] = IndexOf(classes, name);
            if (label < 0)
                throw new InvalidDataException($"{path}: class \"{name}\" is not one of the training classes "
                    + $"({string.Join(", ", classes.Select(c => $"\"{c}\""))}), whose folders may also be named "
                    + string.Join(", ", classes.Select(FolderName)));
            if (Array.IndexOf(labels, label, 0, f) is int other and >= 0)
                throw new InvalidDataException($"{path}: folders \"{folders[other].Name}\" and \"{name}\" both stand for class "
                    + $"\"{classes[label]}\": keep one");
            int before = files.Count;
            files.AddRange(Files(path).Select(file => (file, label)));
            if (files.Count == before) throw NoUsableImages(folders[f], skippedSome: false);
        }
        string?[] reasons = Prepare(files, onBadImage, out byte[]?[] pixels);
        var images = new List<ImageFile>();
        var skipped = new List<SkippedImage>();
        var perClass = new int[classes.Count];
        for (int i = 0; i < files.Count; i++)
        {
            if (reasons[i] is { } reason) skipped.Add(new SkippedImage(files[i].File, reason));
            else
            {
                images.Add(new ImageFile(files[i].File, files[i].Label) { Pixels = pixels[i]! });
                perClass[files[i].Label]++;
            }
        }
        for (int f = 0; f < folders.Count; f++)
            if (perClass[labels[f]] == 0) throw NoUsableImages(folders[f], skippedSome: true);
        return new ImageFolder(directory, classes, images, skipped);
    }

    /// <summary>The names data sets give their splits (Kaggle's, Keras' and PyTorch's layouts), compared in any case.</summary>
    private static readonly string[] SplitNames = ["train", "training", "test", "testing", "val", "valid", "validation", "dev"];

    /// <summary>
    /// DIR/train/&lt;label&gt;/… and DIR/test/&lt;label&gt;/… read as DIR/&lt;label&gt;/… would train a model to tell the
    /// splits apart, in silence: refused when every folder has a split's name and holds two or more folders, naming the
    /// folders to read instead. A class named "train" (of vehicles) holds its images, not class folders.
    /// </summary>
    private static InvalidDataException? SplitFolders(string directory, List<(string Name, string Path)> folders)
    {
        if (!folders.All(f => SplitNames.Contains(f.Name, StringComparer.OrdinalIgnoreCase))) return null;
        var inner = folders.Select(f => Subfolders(f.Path)).ToList();
        if (inner.Any(names => names.Count < 2)) return null;
        static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"\"{n}\""));
        string classes = Quoted(inner[0].Take(3)) + (inner[0].Count > 3 ? ", …" : "");
        static int Order(string name) => name.StartsWith("train", StringComparison.OrdinalIgnoreCase) ? 0
            : name.StartsWith("test", StringComparison.OrdinalIgnoreCase) ? 2 : 1;
        static string Role((string Name, string Path) f) => f.Path + (Order(f.Name) switch
        {
            0 => " to train on",
            1 => " to validate on",
            _ => " to test on",
        });
        string read = string.Join(" and ", folders.OrderBy(f => Order(f.Name)).Select(Role));
        return new InvalidDataException($"{directory}: its folders {Quoted(folders.Select(f => f.Name))} are the splits of a data "
            + $"set, each holding class folders ({classes}), not classes: read {read}");
    }

    /// <summary>A folder's non-hidden subfolders' names, in ordinal order.</summary>
    private static List<string> Subfolders(string folder) =>
        [.. new DirectoryInfo(folder).EnumerateDirectories().Where(d => !d.Name.StartsWith('.')).Select(d => d.Name)
            .Order(StringComparer.Ordinal)];

    private static InvalidDataException NoUsableImages((string Name, string Path) folder, bool skippedSome) =>
        new($"{folder.Path}: class \"{folder.Name}\" has no usable images " +
            $"({string.Join(", ", Extensions)}{(skippedSome ? "; some were skipped" : "")})");

    /// <summary>
    /// Every file's 28×28 pixels, or why it has none, decoded on all cores (a 12 MP photo takes tens of milliseconds);
    /// under <see cref="BadImagePolicy.Fail"/> a bad file stops the files after it from starting, and the first bad file in
    /// order is the one reported.
    /// </summary>
    private static string?[] Prepare(List<(string File, int Label)> files, BadImagePolicy onBadImage, out byte[]?[] pixels)
    {
        var reasons = new string?[files.Count];
        byte[]?[] prepared = pixels = new byte[files.Count][];
        ParallelLoopResult result = Parallel.For(0, files.Count, ImageDecoder.OnePerCore, (i, loop) =>
        {
            (prepared[i], reasons[i]) = Read(files[i].File);
            if (reasons[i] is not null && onBadImage == BadImagePolicy.Fail) loop.Break();
        });
        if (result.LowestBreakIteration is long first)
            throw new InvalidDataException($"{files[(int)first].File}: {reasons[first]} (--on-bad-image skip leaves such files out)");
        return reasons;
    }

    /// <summary>
    /// The class a folder stands for: the one of its name, or else the one class whose <see cref="FolderName"/> is the
    /// folder's (no folder can be named "T-shirt/top"); −1 for none.
    /// </summary>
    private static int IndexOf(IReadOnlyList<string> classes, string name)
    {
        for (int i = 0; i < classes.Count; i++)
            if (string.Equals(classes[i], name, StringComparison.Ordinal)) return i;
        string folder = FolderName(name);
        int[] alike = [.. Enumerable.Range(0, classes.Count).Where(i => FolderName(classes[i]) == folder)];
        return alike.Length == 1 ? alike[0] : -1;
    }

    /// <summary>A class name as a folder or file name can hold it: lower case, '-' for all but letters and digits
    /// ("T-shirt/top" → "t-shirt-top", "Ankle boot" → "ankle-boot").</summary>
    public static string FolderName(string className)
    {
        ArgumentNullException.ThrowIfNull(className);
        return new string([.. className.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-')]);
    }

    /// <summary>
    /// Every non-hidden file under a class folder, in ordinal path order. Links to folders inside it are not followed, as
    /// <see cref="ImageFileWalk"/> does not follow them: a link to a folder above would never end.
    /// </summary>
    private static IEnumerable<string> Files(string classFolder) =>
        new FileSystemEnumerable<string>(classFolder, (ref FileSystemEntry e) => e.ToSpecifiedFullPath(),
            new EnumerationOptions { RecurseSubdirectories = true })
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => !e.IsDirectory && !e.FileName.StartsWith('.'),
            ShouldRecursePredicate = (ref FileSystemEntry e) =>
                !e.FileName.StartsWith('.') && (e.Attributes & FileAttributes.ReparsePoint) == 0,
        }.OrderBy(f => f, StringComparer.Ordinal);

    /// <summary>The file's 28×28 pixels, or the reason it has none.</summary>
    private static (byte[]? Pixels, string? Reason) Read(string file)
    {
        if (!IsImageFile(file))
            return (null, EncodedImage.UndecodablePhotoFormat(file) is { } format ? EncodedImage.CannotDecode(format)
                : $"not an image file (expected {string.Join(", ", Extensions)})");
        try
        {
            return (ImagePreprocessor.Preprocess(EncodedImage.ReadFile(file, file), file).Pixels, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The preprocessor's messages start with the name it was given: the file.
            return (null, ex.Message.StartsWith(file + ": ", StringComparison.Ordinal) ? ex.Message[(file.Length + 2)..] : ex.Message);
        }
    }

    /// <summary>The prepared images as an in-memory set: 28×28 pixels and labels, in <see cref="Images"/> order.</summary>
    public FashionMnistSplit ToSplit(IReadOnlyList<int>? indices = null)
    {
        IReadOnlyList<int> rows = indices ?? [.. Enumerable.Range(0, Images.Count)];
        var pixels = new byte[rows.Count * FashionMnistSplit.ImageSize];
        var labels = new byte[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            Images[rows[i]].Pixels.CopyTo(pixels.AsSpan(i * FashionMnistSplit.ImageSize));
            labels[i] = (byte)Images[rows[i]].Label;
        }
        return new FashionMnistSplit(pixels, labels);
    }
}
