namespace MlNetFashion.Tests.Shared;

/// <summary>
/// A fresh path in the temp folder (<c>PREFIX-GUID.EXT</c>, nothing created yet), deleted with whatever was written there
/// when disposed: <c>using var temp = new TempFile("ckpt", ".ckpt");</c> gives a test one file that outlives no run.
/// </summary>
internal sealed class TempFile(string prefix, string extension) : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}{extension}");

    public void Dispose() => File.Delete(Path);
}
