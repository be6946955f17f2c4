namespace MlNetFashion.Scoring.Tests;

/// <summary>
/// A temporary folder for a model the tests train once per run and share; it lives until the test process exits, so it
/// is deleted then rather than by a test.
/// </summary>
internal static class ScratchDirectory
{
    public static string Create(string prefix)
    {
        string path = Directory.CreateTempSubdirectory(prefix).FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Delete(path);
        return path;
    }

    private static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still open by a process the test started; the system's temp cleaning takes it.
        }
    }
}
