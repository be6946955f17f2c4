using MlNetFashion.Scoring.Data;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Scoring.Tests.Data;

/// <summary>The sorted, lazy walk of a folder's image files that streaming scoring and its resume rely on.</summary>
public sealed class ImageFileWalkTests() : TempFolderTests("walk-")
{
    private void Touch(string relative)
    {
        string path = Path.Combine(Folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [1]);
    }

    [Fact]
    public void Files_NestedFolders_OrdinalOrderPerFolderOnlyImagesNoHiddenEntries()
    {
        string[] created = ["b.png", "B.JPG", "a/z.webp", "a/b/c.bmp", "a/a.gif", "a-b.jpeg", "10.png", "9.png", ".hidden.png",
            ".cache/x.png", "notes.txt", "a/b/readme.md"];
        // Created in a shuffled order: the walk must not depend on the order the file system returns.
        foreach (string file in created.OrderBy(f => f.GetHashCode(StringComparison.Ordinal))) Touch(file);

        var walk = new ImageFileWalk(Folder);

        Assert.Equal(["10.png", "9.png", "B.JPG", "a/a.gif", "a/b/c.bmp", "a/z.webp", "a-b.jpeg", "b.png"], walk.Files());
        Assert.Equal(8, walk.Count);
    }

    [Fact]
    public void PassedOver_PhotosOfUndecodableFormatsInSubfolders_CountedNotWalked()
    {
        foreach (string file in new[] { "a.png", "phone/IMG_0001.HEIC", "phone/IMG_0002.heic", "scans/old/page.tiff", "notes.txt" })
            Touch(file);

        var walk = new ImageFileWalk(Folder);

        Assert.Equal(["a.png"], walk.Files());
        Assert.Equal(1, walk.Count);
        Assert.Equal(3, walk.PassedOver.Count);
        Assert.StartsWith("3 files passed over: the HEIC (2) and TIFF (1) formats cannot be decoded here", walk.PassedOver.Describe());
    }

    [Fact]
    public void Files_SymbolicLinkToAFolder_NotFollowed()
    {
        Touch("real/x.png");
        Directory.CreateSymbolicLink(Path.Combine(Folder, "loop"), Folder);

        var walk = new ImageFileWalk(Folder);

        Assert.Equal(["real/x.png"], walk.Files());
        Assert.Equal(1, walk.Count);
    }

    [Fact]
    public void Files_ManyFilesInOneFolder_SameSequenceEveryWalk()
    {
        var random = new Random(7);
        foreach (int n in Enumerable.Range(0, 2000).OrderBy(_ => random.Next())) Touch($"{n:x}.png");

        var walk = new ImageFileWalk(Folder);
        string[] first = [.. walk.Files()];

        Assert.Equal(first.Order(StringComparer.Ordinal), first);
        Assert.Equal(first, walk.Files());
        Assert.Equal(2000, walk.Count);
    }

    [Fact]
    public void Constructor_MissingFolderOrAFile_ErrorNamingIt()
    {
        string missing = Path.Combine(Folder, "nope");
        Assert.Equal($"{missing}: folder not found", Assert.Throws<DirectoryNotFoundException>(() => new ImageFileWalk(missing)).Message);
        Touch("one.png");
        string file = Path.Combine(Folder, "one.png");
        Assert.Equal($"{file}: expected a folder, found a file",
            Assert.Throws<DirectoryNotFoundException>(() => new ImageFileWalk(file)).Message);
    }
}
