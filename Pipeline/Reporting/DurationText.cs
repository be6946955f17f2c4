using System.Globalization;

namespace MlNetFashion.Pipeline.Reporting;

/// <summary>
/// Durations as the console and the report show them: seconds under a minute (a short run said "0.0 min"), minutes above.
/// </summary>
public static class DurationText
{
    public static string Format(double seconds) => seconds < 59.95
        ? string.Create(CultureInfo.InvariantCulture, $"{seconds:F1} s")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:F1} min");
}
