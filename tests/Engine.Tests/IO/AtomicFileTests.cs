using MlNetFashion.Engine.IO;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Engine.Tests.IO;

public sealed class AtomicFileTests() : TempFolderTests("atomic-file-")
{
    private string Target => Path.Combine(Folder, "model.onnx");

    [Fact]
    public void WriteAllBytes_NewFile_HoldsExactlyTheBytes()
    {
        byte[] bytes = [.. Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7))];

        AtomicFile.WriteAllBytes(Target, bytes);

        Assert.Equal(bytes, File.ReadAllBytes(Target));
        Assert.Equal([Target], Directory.GetFileSystemEntries(Folder));
    }

    [Fact]
    public void Write_WriterThrowsHalfway_OldContentKeptAndNoTempFileLeft()
    {
        var error = Assert.Throws<InvalidOperationException>(() => WriteFailingHalfway(_ => new InvalidOperationException("disk full")));

        Assert.Equal("disk full", error.Message);
    }

    [Fact]
    public void Write_DiskFullHalfway_ErrorNamesTheTargetNotTheTempFile()
    {
        // The exception .NET's FileStream throws on ENOSPC: the reason, then the path it was writing.
        var error = Assert.Throws<IOException>(() => WriteFailingHalfway(temp => new IOException($"No space left on device : '{temp}'")));

        Assert.Equal($"{Target}: No space left on device", error.Message);
    }

    /// <summary>Writes over "the old model" and fails halfway with <paramref name="failure"/> (given the temp file's path);
    /// checks the old content and that no temp file is left, whatever was thrown.</summary>
    private void WriteFailingHalfway(Func<string, Exception> failure)
    {
        File.WriteAllText(Target, "the old model");
        try
        {
            AtomicFile.Write(Target, stream =>
            {
                stream.Write(new byte[100_000]);
                throw failure(((FileStream)stream).Name);
            });
        }
        finally
        {
            Assert.Equal("the old model", File.ReadAllText(Target));
            Assert.Equal([Target], Directory.GetFileSystemEntries(Folder));
        }
    }

    [Fact]
    public void WriteAllText_FolderInTheTargetsPlace_ErrorStartsWithTheTargetAndNoTempFileLeft()
    {
        Directory.CreateDirectory(Target);

        var error = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(Target, "the new model"));

        Assert.StartsWith($"{Target}: ", error.Message);
        Assert.DoesNotContain("'", error.Message);
        Assert.Equal([Target], Directory.GetFileSystemEntries(Folder));
    }

    [Fact]
    public void WriteAllText_ExistingFile_Replaced()
    {
        File.WriteAllText(Target, "a longer old content than the new one");

        AtomicFile.WriteAllText(Target, "new");

        Assert.Equal("new", File.ReadAllText(Target));
    }

    [Fact]
    public void WriteAllText_MissingFolders_Created()
    {
        string nested = Path.Combine(Folder, "a", "b", "metrics.json");

        AtomicFile.WriteAllText(nested, "{}");

        Assert.Equal("{}", File.ReadAllText(nested));
    }

    [Fact]
    public void WriteAllBytes_ReaderHoldsTheOldFile_ReadsTheOldContentWhole()
    {
        File.WriteAllText(Target, "old content");
        using var reader = new FileStream(Target, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        AtomicFile.WriteAllText(Target, "new content, longer than the old");

        using var text = new StreamReader(reader);
        Assert.Equal("old content", text.ReadToEnd());
        Assert.Equal("new content, longer than the old", File.ReadAllText(Target));
    }
}
