namespace MlNetFashion.Engine.Tests.Harness;

/// <summary>Folders of the repository, found by walking up from the test binaries to the one that holds them.</summary>
public static class RepositoryFolder
{
    /// <summary><paramref name="parts"/> joined (e.g. "tests", "fixtures", "pytorch") under the first ancestor that has it.</summary>
    public static string Find(params string[] parts)
    {
        string relative = Path.Combine(parts);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"{string.Join('/', parts)}: expected it above {AppContext.BaseDirectory}, found none.");
    }
}
