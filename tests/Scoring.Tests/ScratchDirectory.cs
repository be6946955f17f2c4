namespace MlNetFashion.Scoring.Tests;

/// <summary>
/// Folders for the models the tests train once per run and share. They live until the test process ends, and the test
/// host may end it before an exit handler has finished deleting them, so they sit under the test assembly's folder and
/// the first one a run creates deletes those of the run before.
/// </summary>
internal static class ScratchDirectory
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        string root = Path.Combine(AppContext.BaseDirectory, "scratch");
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        return Directory.CreateDirectory(root).FullName;
    });

    public static string Create(string prefix) =>
        Directory.CreateDirectory(Path.Combine(LazyRoot.Value, prefix + Path.GetRandomFileName())).FullName;
}
