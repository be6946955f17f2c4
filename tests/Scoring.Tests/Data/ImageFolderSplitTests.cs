using MlNetFashion.Pipeline.Data;
using MlNetFashion.Scoring.Data;
using MlNetFashion.Scoring.Imaging;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Scoring.Tests.Data;

public sealed class ImageFolderSplitTests() : TempFolderTests("image-folder-split-")
{
    [Fact]
    public void Split_TestFraction_HoldsOutEveryClassStratifiedAndSeeded()
    {
        string dir = ImageTree.Create(Path.Combine(Folder, "images"), ["a", "b"], perClass: 10);
        var first = ImageFolderSplit.Load(dir, null, 0.3f, BadImagePolicy.Fail, seed: 7);
        var again = ImageFolderSplit.Load(dir, null, 0.3f, BadImagePolicy.Fail, seed: 7);

        Assert.Equal([3, 3], first.Data.Test.Labels.GroupBy(l => l).Select(g => g.Count()));
        Assert.Equal(14, first.Data.Train.Count);
        Assert.Equal(first.Data.Test.Pixels, again.Data.Test.Pixels);
        Assert.True(first.Data.OwnClasses);
    }

    [Fact]
    public void Split_TestFolderWithAnotherClass_ThrowsNamingIt()
    {
        string train = ImageTree.Create(Path.Combine(Folder, "train"), ["a", "b"], perClass: 2);
        string test = ImageTree.Create(Path.Combine(Folder, "test"), ["a", "z"], perClass: 2);
        var ex = Assert.Throws<InvalidDataException>(() => ImageFolderSplit.Load(train, test, null, BadImagePolicy.Fail, seed: 1));
        Assert.Equal(Path.Combine(test, "z") + ": class \"z\" is not one of the training classes (\"a\", \"b\"), whose folders may also "
            + "be named a, b", ex.Message);
    }

    /// <summary>DIR/&lt;label&gt;/NNN.png: Fashion-MNIST's test images from <paramref name="first"/> on, each once.</summary>
    private string Photos(string name, string[] labels, int perClass, int first)
    {
        string root = Path.Combine(Folder, name);
        for (int k = 0; k < labels.Length; k++)
        {
            string folder = Directory.CreateDirectory(Path.Combine(root, labels[k])).FullName;
            for (int i = 0; i < perClass; i++)
                File.WriteAllBytes(Path.Combine(folder, $"{i:D3}.png"), Png(first + k * perClass + i));
        }
        return root;
    }

    private static byte[] Png(int testImage) =>
        ImagePreprocessor.EncodePng(new GrayImage(28, 28, TrainedModel.Test.Image(testImage).ToArray()));

    [Fact]
    public void Load_DistinctImages_NoWarnings()
    {
        string train = Photos("train", ["a", "b"], perClass: 6, first: 0), test = Photos("test", ["a", "b"], perClass: 3, first: 100);

        Assert.Empty(ImageFolderSplit.Load(train, test, null, BadImagePolicy.Fail, seed: 1).Warnings);
        Assert.Empty(ImageFolderSplit.Load(train, null, 0.3f, BadImagePolicy.Fail, seed: 1).Warnings);
    }

    [Fact]
    public void Load_TestImageCopiedFromTheTrainingFolder_WarnsNamingBoth()
    {
        string train = Photos("train", ["a", "b"], perClass: 6, first: 0), test = Photos("test", ["a", "b"], perClass: 3, first: 100);
        File.Copy(Path.Combine(train, "b", "004.png"), Path.Combine(test, "b", "copy.png"));

        var warnings = ImageFolderSplit.Load(train, test, null, BadImagePolicy.Fail, seed: 1).Warnings;

        Assert.Equal([$"1 test image(s) are training images too, as the model sees them ({Path.Combine(test, "b", "copy.png")} = "
            + $"{Path.Combine(train, "b", "004.png")}): the test accuracy counts them"], warnings);
    }

    [Fact]
    public void Load_OnePhotoManyTimesInAClass_TheHoldOutWarnsOfCopiesOnBothSides()
    {
        // Every image of class "a" is one photo: whatever the split, copies land on both sides.
        string train = Photos("train", ["a", "b"], perClass: 6, first: 0);
        for (int i = 1; i < 6; i++) File.Copy(Path.Combine(train, "a", "000.png"), Path.Combine(train, "a", $"{i:D3}.png"), true);

        var warnings = ImageFolderSplit.Load(train, null, 0.5f, BadImagePolicy.Fail, seed: 3).Warnings;

        // Half of each class held out: the three test images of "a" are all copies.
        Assert.StartsWith("3 test image(s) are training images too, as the model sees them (", Assert.Single(warnings));
    }

    [Fact]
    public void Load_OneImageInTwoClasses_WarnsThatOneLabelIsWrong()
    {
        string train = Photos("train", ["boot", "sandal"], perClass: 4, first: 0);
        File.Copy(Path.Combine(train, "boot", "002.png"), Path.Combine(train, "sandal", "also.png"));

        var warnings = ImageFolderSplit.Load(train, Photos("test", ["boot", "sandal"], 2, first: 50), null, BadImagePolicy.Fail, 1)
            .Warnings;

        Assert.Equal([$"1 image(s) stand in two classes at once, as the model sees them ({Path.Combine(train, "boot", "002.png")} in "
            + $"\"boot\" = {Path.Combine(train, "sandal", "also.png")} in \"sandal\"): one of each pair's labels is wrong"], warnings);
    }

    [Fact]
    public void Load_BlankPhotosInBothFoldersAndClasses_NoWarnings()
    {
        // Every blank photo makes the same all-black image: no sign of a copy.
        string train = Photos("train", ["a", "b"], perClass: 4, first: 0), test = Photos("test", ["a", "b"], perClass: 2, first: 50);
        byte[] blank = ImagePreprocessor.EncodePng(new GrayImage(28, 28, new byte[28 * 28]));
        foreach (string file in new[] { Path.Combine(train, "a", "blank.png"), Path.Combine(train, "b", "blank.png"),
            Path.Combine(test, "a", "blank.png") })
            File.WriteAllBytes(file, blank);

        Assert.Empty(ImageFolderSplit.Load(train, test, null, BadImagePolicy.Fail, seed: 1).Warnings);
    }
}
