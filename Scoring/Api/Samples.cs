namespace MlNetFashion.Scoring.Api;

/// <summary>The sample garments shipped in assets/samples (copied beside the app as samples/).</summary>
public static class Samples
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "samples");

    public static IReadOnlyList<string> List() => System.IO.Directory.Exists(Directory)
        ? [.. System.IO.Directory.GetFiles(Directory, "*.png").Select(Path.GetFileName).Order().Cast<string>()]
        : [];

    /// <summary>The PNG bytes of a sample, or null for an unknown name (no paths: names only).</summary>
    public static byte[]? Open(string name) => List().Contains(name) ? File.ReadAllBytes(Path.Combine(Directory, name)) : null;
}
