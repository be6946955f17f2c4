namespace MlNetFashion.Tests.Shared;

/// <summary>
/// A test class that owns a fresh folder in the temp folder (<c>PREFIX</c> and a random suffix), made when xUnit
/// creates the class for a test and deleted with all in it when the test ends: each test gets a folder of its own.
/// The prefix names the class, so a folder a killed run leaves in /tmp says whose it is.
/// </summary>
public abstract class TempFolderTests(string prefix) : IDisposable
{
    /// <summary>The folder's full path.</summary>
    protected string Folder { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>Deletes the folder; a class that owns more (a process, a listener) releases it, then calls this.</summary>
    public virtual void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
