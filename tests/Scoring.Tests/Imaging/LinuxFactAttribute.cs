namespace MlNetFashion.Scoring.Tests.Imaging;

/// <summary>A test of what only Linux has (file names that are bytes, named pipes), skipped elsewhere saying what.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute(string needs)
    {
        if (!OperatingSystem.IsLinux()) Skip = $"{needs}: Linux only";
    }
}
