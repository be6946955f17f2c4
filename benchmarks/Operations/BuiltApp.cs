namespace MlNetFashion.Benchmarks.Operations;

/// <summary>
/// The repository's apps as the solution built them, found from this process's own binaries: a benchmark or a test in
/// …/bin/CONFIG/net10.0 runs the apps built in the same CONFIG.
/// </summary>
public static class BuiltApp
{
    /// <summary>The folder that holds MlNetFashion.sln, found by walking up from this process's binaries.</summary>
    public static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "MlNetFashion.sln"))) root = root.Parent!;
        return root.FullName;
    }

    /// <summary><paramref name="project"/>/bin/CONFIG/net10.0/<paramref name="dll"/> (project relative to the repository root).</summary>
    public static string Dll(string project, string dll)
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        return Path.Combine(RepositoryRoot(), project, "bin", configuration, "net10.0", dll);
    }
}
