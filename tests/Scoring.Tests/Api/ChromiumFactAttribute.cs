namespace MlNetFashion.Scoring.Tests.Api;

/// <summary>A fact that is skipped (with the reason shown) when Debian's Chromium is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Debian's package; Playwright drives it instead of downloading a browser of its own.</summary>
    public const string Chromium = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Chromium)) Skip = $"{Chromium} not installed: install chromium (./build.sh test installs it).";
    }
}
