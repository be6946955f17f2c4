using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MlNetFashion.Engine.IO;
using MlNetFashion.Scoring.Data;

namespace MlNetFashion.Scoring.Classification;

/// <summary>What a predictions file is scored from: an IDX images file, or a folder of image files.</summary>
public enum PredictionInputKind
{
    Idx,
    Folder,
}

/// <summary>
/// What a predictions file was made from, kept beside it in FILE.source.json: the model (its version, the first 12 hex
/// digits of its SHA-256, as <see cref="ModelInfo.Version"/>) and the input (full path, how many images, and an IDX file's
/// size in bytes). Rows appended to a file made from another model or input would mix two runs without a trace, so a
/// resumed run must match it (<see cref="Verify"/>).
/// </summary>
/// <param name="Model">The model file as given, as a full path (for the reader; the version is what is compared).</param>
/// <param name="ModelVersion">The model file's version.</param>
/// <param name="Input">The IDX file or folder, as a full path.</param>
/// <param name="InputKind">IDX file or folder.</param>
/// <param name="Images">The images the input holds: the IDX header's count, or the image files the folder walk yields.</param>
/// <param name="InputBytes">The IDX file's size in bytes; null for a folder.</param>
public sealed record PredictionSource(string Model, string ModelVersion, string Input, PredictionInputKind InputKind, long Images,
    long? InputBytes)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The record kept beside <paramref name="predictionsPath"/>.</summary>
    public static string PathFor(string predictionsPath) => predictionsPath + ".source.json";

    /// <summary>The source of scoring the IDX file <paramref name="images"/> opened from <paramref name="idxPath"/>.</summary>
    public static PredictionSource ForIdx(string modelPath, string idxPath, IdxImageStream images) =>
        new(Path.GetFullPath(modelPath), VersionOf(modelPath), Path.GetFullPath(idxPath), PredictionInputKind.Idx, images.Count,
            new FileInfo(idxPath).Length);

    /// <summary>The source of scoring the folder <paramref name="walk"/> walks (counts its images).</summary>
    public static PredictionSource ForFolder(string modelPath, ImageFileWalk walk) =>
        new(Path.GetFullPath(modelPath), VersionOf(modelPath), walk.Folder, PredictionInputKind.Folder, walk.Count, null);

    /// <summary>
    /// Writes the record beside <paramref name="predictionsPath"/> (atomically: it is whole or absent). The folder must
    /// exist, as for the predictions file: a mistyped folder is an error, not a new folder.
    /// </summary>
    public void WriteBeside(string predictionsPath)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(predictionsPath));
        if (folder is not null && !Directory.Exists(folder))
            throw new DirectoryNotFoundException($"{predictionsPath}: folder {folder} not found");
        AtomicFile.WriteAllText(PathFor(predictionsPath), JsonSerializer.Serialize(this, Json) + "\n");
    }

    /// <summary>
    /// Checks that <paramref name="predictionsPath"/> was made from this model and input, reading the record beside it.
    /// Throws <see cref="InvalidDataException"/> naming the file and both sides when the record is missing, unreadable or
    /// different; changes nothing.
    /// </summary>
    public void Verify(string predictionsPath)
    {
        string path = PathFor(predictionsPath);
        if (!File.Exists(path))
            throw new InvalidDataException($"{predictionsPath}: {Path.GetFileName(path)} is missing beside it, so which model and input "
                + "made it cannot be checked; remove it to score from the start");
        PredictionSource? was;
        try
        {
            was = JsonSerializer.Deserialize<PredictionSource>(File.ReadAllText(path), Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a record of a predictions file's model and input ({ex.Message})", ex);
        }
        if (was is null || string.IsNullOrEmpty(was.ModelVersion) || string.IsNullOrEmpty(was.Input))
            throw new InvalidDataException($"{path}: not a record of a predictions file's model and input");
        var c = CultureInfo.InvariantCulture;
        string restart = $"; remove {predictionsPath} and {Path.GetFileName(path)} to score from the start";
        if (was.ModelVersion != ModelVersion)
            throw new InvalidDataException($"{predictionsPath}: made by model version {was.ModelVersion} ({was.Model}), "
                + $"not {ModelVersion} ({Model}){restart}");
        if (was.InputKind != InputKind || !string.Equals(was.Input, Input, StringComparison.Ordinal))
            throw new InvalidDataException($"{predictionsPath}: made from {Describe(was.InputKind)} {was.Input}, "
                + $"not {Describe(InputKind)} {Input}{restart}");
        if (was.Images != Images || was.InputBytes != InputBytes)
            throw new InvalidDataException(string.Create(c, $"{predictionsPath}: made from {Input} when it held {Size(was)}, ")
                + $"it now holds {Size(this)}: the input changed{restart}");
    }

    private static string Describe(PredictionInputKind kind) => kind == PredictionInputKind.Idx ? "the IDX file" : "the folder";

    private static string Size(PredictionSource s) => string.Create(CultureInfo.InvariantCulture,
        $"{s.Images:N0} images{(s.InputBytes is long bytes ? $" in {bytes:N0} bytes" : "")}");

    private static string VersionOf(string modelPath)
    {
        // Streamed: model.zip files can be large, and this is all the version needs.
        using var stream = File.OpenRead(modelPath);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream))[..12];
    }
}
