namespace MlNetFashion.Scoring.Commands;

/// <summary>predict's image arguments: files as given, and a folder as the image files directly inside it.</summary>
public static class ImageArguments
{
    /// <summary>The extensions a folder is searched for (what the decoder reads).</summary>
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    /// <summary>
    /// A mistyped option (--jsn) lands among the images, as they take any number of values: refused as an option unless
    /// such a file or folder exists (./-odd.png stays usable).
    /// </summary>
    public static bool LooksLikeOption(string argument) =>
        (argument.StartsWith("--", StringComparison.Ordinal) || (argument.Length > 1 && argument[0] == '-' && char.IsLetter(argument[1])))
        && !File.Exists(argument) && !Directory.Exists(argument);

    /// <summary>Files stay in the order given; a folder's images follow in ordinal name order (reproducible output).</summary>
    public static string[] Expand(IEnumerable<string> arguments) => [.. arguments.SelectMany(a => Directory.Exists(a) ? InFolder(a) : [a])];

    private static string[] InFolder(string folder)
    {
        string[] found = [.. Directory.EnumerateFiles(folder)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)];
        if (found.Length > 0) return found;
        // A folder of class subfolders (what train --images takes) is the likely mistake: say where its images are read.
        bool deeper = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Any(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase));
        throw new ArgumentException($"{folder}: no image files ({string.Join(", ", Extensions)}) in the folder"
            + (deeper ? "; its subfolders hold some: predict --out FILE reads them" : ""));
    }
}
