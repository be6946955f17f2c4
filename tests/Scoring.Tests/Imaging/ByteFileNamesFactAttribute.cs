namespace MlNetFashion.Scoring.Tests.Imaging;

/// <summary>A test that makes a file whose name is bytes that are not UTF-8: Linux names are bytes, skipped elsewhere.</summary>
public sealed class ByteFileNamesFactAttribute : FactAttribute
{
    public ByteFileNamesFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "file names that are not UTF-8 exist on Linux";
    }
}
