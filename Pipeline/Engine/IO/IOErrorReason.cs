namespace MlNetFashion.Engine.IO;

/// <summary>
/// The reason in .NET's wording of a failed file operation, which puts the path last: "No space left on device :
/// '/run/model.onnx'". Messages of this project start with the file instead, and name the file the user chose rather than
/// a temp file beside it.
/// </summary>
public static class IOErrorReason
{
    /// <summary>"No space left on device" when <paramref name="ex"/>'s message is that reason then <paramref name="path"/>
    /// (compared as a full path); null for any other message.</summary>
    public static string? Of(Exception ex, string path)
    {
        ArgumentNullException.ThrowIfNull(ex);
        string suffix = $" : '{Path.GetFullPath(path)}'";
        return ex.Message.EndsWith(suffix, StringComparison.Ordinal) ? ex.Message[..^suffix.Length] : null;
    }
}
