namespace MlNetFashion.Pipeline.Data;

/// <summary>
/// Finds the folder with the four Fashion-MNIST files: --data-dir, then $FASHION_MNIST_DIR (when set, its folder is
/// used as given, as --data-dir's), then ./data, then /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist). Files
/// may be .gz or raw.
/// </summary>
public static class DataLocator
{
    public const string EnvironmentVariable = "FASHION_MNIST_DIR";
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";
    public static readonly string[] FileNames =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>The folders searched, in order (the explicit one first when given).</summary>
    public static IReadOnlyList<string> Candidates(string? dataDir)
    {
        var list = new List<string>();
        if (!string.IsNullOrWhiteSpace(dataDir)) list.Add(dataDir);
        string? env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env)) list.Add(env);
        list.Add("data");
        list.Add(DebianDirectory);
        return list;
    }

    /// <summary>
    /// The folder to use. An explicit --data-dir is used as given (errors then name its files); otherwise the first
    /// candidate holding train-images wins. Throws one clear line when nothing is found.
    /// </summary>
    public static string Locate(string? dataDir)
    {
        if (!string.IsNullOrWhiteSpace(dataDir))
        {
            if (!Directory.Exists(dataDir)) throw new FashionMnistDataException($"--data-dir {dataDir}: the folder does not exist");
            return dataDir;
        }
        // Set on purpose: a mistyped folder is an error, not a reason to train on whichever copy comes next.
        string? env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env))
        {
            if (!Directory.Exists(env))
                throw new FashionMnistDataException($"{EnvironmentVariable}={env}: the folder does not exist (unset the variable to " +
                    $"search ./data and {DebianDirectory})");
            // As --data-dir: used as given, so a folder without the files is named by the reader rather than skipped.
            return env;
        }
        foreach (string candidate in Candidates(null))
        {
            if (FindFile(candidate, FileNames[0]) is not null) return candidate;
        }
        throw new FashionMnistDataException(
            $"Fashion-MNIST not found (looked in {string.Join(", ", Candidates(null))}); install it with `./build.sh setup` (Debian " +
            "package dataset-fashion-mnist) " +
            "or download it with `dotnet run --project Training -c Release -- data fetch --data-dir ./data`");
    }

    /// <summary>The path of <paramref name="baseName"/> or <paramref name="baseName"/>.gz in the folder, raw preferred.</summary>
    public static string? FindFile(string directory, string baseName)
    {
        foreach (string name in new[] { baseName, baseName + ".gz" })
        {
            string path = Path.Combine(directory, name);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    public static string RequireFile(string directory, string baseName) => FindFile(directory, baseName)
        ?? throw new FashionMnistDataException($"{baseName}: not found in {directory} (expected {baseName} or {baseName}.gz)");
}
