using MlNetFashion.Engine.IO;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Engine.Tests.IO;

public sealed class OutputFolderTests() : TempFolderTests("output-folder-")
{
    [Fact]
    public void CheckWritable_NewNestedFolder_PassesAndLeavesNothingBehind()
    {
        string folder = Path.Combine(Folder, "a", "b", "artifacts");
        OutputFolder.CheckWritable(folder);
        Assert.False(Directory.Exists(Path.Combine(Folder, "a")));
    }

    [Fact]
    public void CheckWritable_ExistingFolder_KeepsExactlyItsFiles()
    {
        File.WriteAllText(Path.Combine(Folder, "model.onnx"), "kept");
        OutputFolder.CheckWritable(Folder);
        Assert.Equal([Path.Combine(Folder, "model.onnx")], Directory.GetFileSystemEntries(Folder));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(Folder, "model.onnx")));
    }

    [Fact]
    public void CheckWritable_FolderUnderAFile_ThrowsNamingTheFolder()
    {
        string file = Path.Combine(Folder, "plain.txt");
        File.WriteAllText(file, "a file");
        string folder = Path.Combine(file, "out");
        var error = Assert.Throws<IOException>(() => OutputFolder.CheckWritable(folder));
        Assert.StartsWith($"{folder}: cannot create the folder (", error.Message);
    }
}
