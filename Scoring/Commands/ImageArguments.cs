using System.Runtime.ExceptionServices;
using MlNetFashion.CommandLine;
using MlNetFashion.Scoring.Data;

namespace MlNetFashion.Scoring.Commands;

/// <summary>What a command made of one image file, or the one line saying why it made nothing.</summary>
public readonly record struct ImageOutcome<T>(string File, T? Value, string? Error);

/// <summary>predict's and prepare's image arguments: files as given, and a folder as the image files directly inside it.</summary>
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

    /// <summary>
    /// <paramref name="work"/> on each file, in file order, on all cores (a phone photo takes tens of milliseconds to decode).
    /// A file that cannot be read or is not a usable image gets its error line, named as <paramref name="shownAs"/> shows it,
    /// and the others are still done, as <c>predict --out</c> gives it an error row; any other failure (the model's) throws,
    /// the first in file order.
    /// </summary>
    public static ImageOutcome<T>[] EachImage<T>(string[] files, Func<string, T> work, Func<string, string>? shownAs = null)
        where T : class
    {
        var outcomes = new ImageOutcome<T>[files.Length];
        var errors = new Exception?[files.Length];
        ParallelLoopResult loop = Parallel.For(0, files.Length, Imaging.ImageDecoder.OnePerCore, (i, state) =>
        {
            try
            {
                outcomes[i] = new ImageOutcome<T>(files[i], work(files[i]), null);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                outcomes[i] = new ImageOutcome<T>(files[i], null, ErrorLines.AboutFile(ex, shownAs?.Invoke(files[i]) ?? files[i]));
            }
            catch (Exception ex)
            {
                errors[i] = ex;
                state.Break();
            }
        });
        if (loop.LowestBreakIteration is long first) ExceptionDispatchInfo.Throw(errors[first]!);
        return outcomes;
    }

    /// <summary>Each failed file's error line on stderr, in file order; the exit code: 1 when any failed.</summary>
    public static int ReportErrors<T>(IEnumerable<ImageOutcome<T>> outcomes)
    {
        int failed = 0;
        foreach (ImageOutcome<T> outcome in outcomes)
            if (outcome.Error is not null)
            {
                CommandLineRunner.WriteError(outcome.Error);
                failed++;
            }
        return failed > 0 ? 1 : 0;
    }
}
