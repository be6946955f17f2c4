namespace MlNetFashion.Benchmarks.Tests;

/// <summary>A fact that is skipped (with the reason shown) when PowerShell 7 is not installed.</summary>
public sealed class PwshFactAttribute : FactAttribute
{
    public PwshFactAttribute()
    {
        if (Pwsh is null) Skip = NotInstalled;
    }

    /// <summary>The reason a test that needs pwsh is skipped.</summary>
    public const string NotInstalled = "pwsh not installed: ./build.sh setup (and test) installs it into artifacts/tools.";

    /// <summary>
    /// The pwsh that ./build.sh installs (artifacts/tools), a user's dotnet tool (~/.dotnet/tools), or one on PATH.
    /// </summary>
    public static string? Pwsh { get; } = Find();

    private static string? Find()
    {
        string name = OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh";
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        IEnumerable<string> folders = new[] { Path.Combine(Shell.Repository, "artifacts", "tools"), Path.Combine(home, ".dotnet", "tools") }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        return folders.Select(f => Path.Combine(f, name)).FirstOrDefault(File.Exists);
    }
}
