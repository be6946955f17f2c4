using MlNetFashion.Scoring.Data;

namespace MlNetFashion.Scoring.Commands;

/// <summary>predict's image arguments: files as given, and a folder as the image files directly inside it.</summary>
public static class ImageArguments
{
    /// <summary>
    /// A mistyped option (--jsn) lands among the images, as they take any number of values: refused as an option unless
    /// such a file or folder exists (./-odd.png stays usable).
    /// </summary>
    public static bool LooksLikeOption(string argument) =>
        (argument.StartsWith("--", StringComparison.Ordinal) || (argument.Length > 1 && argument[0] == '-' && char.IsLetter(argument[1])))
        && !File.Exists(argument) && !Directory.Exists(argument);

    /// <summary>
    /// Files stay in the order given; a folder's images follow in ordinal name order (reproducible output). A folder's photos
    /// in formats no codec here decodes are passed over, each such folder with a line for stderr.
    /// </summary>
    public static (string[] Files, string[] Warnings) Expand(IEnumerable<string> arguments)
    {
        var files = new List<string>();
        var warnings = new List<string>();
        foreach (string argument in arguments)
        {
            if (!Directory.Exists(argument))
            {
                files.Add(argument);
                continue;
            }
            var passedOver = new PassedOverPhotos();
            files.AddRange(InFolder(argument, passedOver));
            if (passedOver.Describe() is { } note) warnings.Add($"warning: {argument}: {note}");
        }
        return ([.. files], [.. warnings]);
    }

    private static string[] InFolder(string folder, PassedOverPhotos passedOver)
    {
        var found = new List<string>();
        foreach (string file in Directory.EnumerateFiles(folder))
            if (ImageFolder.IsImageFile(file)) found.Add(file);
            else passedOver.Add(file);
        if (found.Count > 0) return [.. found.Order(StringComparer.Ordinal)];
        string extensions = string.Join(", ", ImageFolder.Extensions);
        if (passedOver.Describe() is { } note)
            throw new ArgumentException($"{folder}: no image files ({extensions}) in the folder; {note}");
        // A folder of class subfolders (what train --images takes) is the likely mistake: say where its images are read.
        bool deeper = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Any(f => ImageFolder.IsImageFile(f));
        throw new ArgumentException($"{folder}: no image files ({extensions}) in the folder"
            + (deeper ? "; its subfolders hold some: predict --out FILE reads them" : ""));
    }
}
