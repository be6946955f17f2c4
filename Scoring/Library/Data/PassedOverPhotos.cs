using System.Globalization;
using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Data;

/// <summary>
/// The photos a search of a folder passes over because no codec here decodes their format (an iPhone's HEIC, a scanner's
/// TIFF: <see cref="EncodedImage.UndecodablePhotoFormat"/>), counted by format, so that the search can say so: a folder of
/// HEIC photos would otherwise look like a folder without images.
/// </summary>
public sealed class PassedOverPhotos
{
    private readonly SortedDictionary<string, long> _byFormat = new(StringComparer.Ordinal);

    /// <summary>How many files were passed over.</summary>
    public long Count { get; private set; }

    /// <summary>Counts the file when its extension names such a format; true when it did.</summary>
    public bool Add(string fileName)
    {
        if (EncodedImage.UndecodablePhotoFormat(fileName) is not { } format) return false;
        _byFormat[format] = _byFormat.GetValueOrDefault(format) + 1;
        Count++;
        return true;
    }

    /// <summary>
    /// "12 files passed over: the HEIC (10) and TIFF (2) formats cannot be decoded here (… expected; convert …)", or null
    /// when none was.
    /// </summary>
    public string? Describe()
    {
        if (Count == 0) return null;
        var c = CultureInfo.InvariantCulture;
        string[] formats = [.. _byFormat.Select(f => _byFormat.Count == 1 ? f.Key : string.Create(c, $"{f.Key} ({f.Value:N0})"))];
        string named = formats.Length == 1 ? $"the {formats[0]} format cannot"
            : $"the {string.Join(", ", formats[..^1])} and {formats[^1]} formats cannot";
        string files = Count == 1 ? "1 file" : string.Create(c, $"{Count:N0} files");
        return $"{files} passed over: {named} be decoded here ({EncodedImage.Supported} expected; convert the files to one of them)";
    }
}
