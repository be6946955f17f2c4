namespace MlNetFashion.Scoring.Tests.Api;

/// <summary>A fact that runs curl as README's example does, skipped with the reason where curl is not installed.</summary>
public sealed class CurlFactAttribute : FactAttribute
{
    public CurlFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "runs the Linux serve process and curl";
        else if (Curl is null) Skip = "curl is not installed (./build.sh setup installs it)";
    }

    /// <summary>curl on PATH; null when not installed.</summary>
    public static string? Curl { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
        .Select(dir => Path.Combine(dir, "curl")).FirstOrDefault(File.Exists);
}
