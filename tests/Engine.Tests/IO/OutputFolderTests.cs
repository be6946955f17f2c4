using MlNetFashion.Engine.IO;

namespace MlNetFashion.Engine.Tests.IO;

public sealed class OutputFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("output-folder-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void CheckWritable_NewNestedFolder_PassesAndLeavesNothingBehind()
    {
        string folder = Path.Combine(_root, "a", "b", "artifacts");
        OutputFolder.CheckWritable(folder);
        Assert.False(Directory.Exists(Path.Combine(_root, "a")));
    }

    [Fact]
    public void CheckWritable_ExistingFolder_KeepsExactlyItsFiles()
    {
        File.WriteAllText(Path.Combine(_root, "model.onnx"), "kept");
        OutputFolder.CheckWritable(_root);
        Assert.Equal([Path.Combine(_root, "model.onnx")], Directory.GetFileSystemEntries(_root));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(_root, "model.onnx")));
    }

    [Fact]
    public void CheckWritable_FolderUnderAFile_ThrowsNamingTheFolder()
    {
        string file = Path.Combine(_root, "plain.txt");
        File.WriteAllText(file, "a file");
        string folder = Path.Combine(file, "out");
        var error = Assert.Throws<IOException>(() => OutputFolder.CheckWritable(folder));
        Assert.StartsWith($"{folder}: cannot create the folder (", error.Message);
    }
}
