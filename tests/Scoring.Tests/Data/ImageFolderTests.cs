using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetFashion.Engine.Models;
using MlNetFashion.Pipeline.Trainer;
using MlNetFashion.Pipeline.Transforms;
using MlNetFashion.Scoring.Data;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Scoring.Tests.Data;

public sealed class ImageFolderTests() : TempFolderTests("image-folder-")
{
    private string Tree(params string[] labels) => ImageTree.Create(Path.Combine(Folder, "images"), labels, perClass: 3);

    [Fact]
    public void Load_TinyTree_ClassesAreFolderNamesInOrdinalOrder()
    {
        string dir = Tree("靴", "Schuhe-ä", "Boots", "bags");
        ImageFolder folder = ImageFolder.Load(dir);

        // Ordinal: upper case before lower case, Latin before CJK; the same order on every machine.
        Assert.Equal(["Boots", "Schuhe-ä", "bags", "靴"], folder.ClassNames);
        Assert.Equal(12, folder.Images.Count);
        Assert.All(folder.Images, i => Assert.Equal(folder.ClassNames[i.Label], Path.GetFileName(Path.GetDirectoryName(i.Path))));
        Assert.Equal([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3], folder.Images.Select(i => i.Label));
        Assert.All(folder.Images, i => Assert.Equal(28 * 28, i.Pixels.Length));
        Assert.Empty(folder.Skipped);
    }

    [Fact]
    public void Load_SplitFoldersEachHoldingClassFolders_RefusedNamingTheFoldersToRead()
    {
        // Kaggle's layout, DIR/train/<label>/… and DIR/test/<label>/…: read as classes, "train" and "test" were learnt.
        string dir = Path.Combine(Folder, "dataset");
        foreach (string split in new[] { "train", "Validation", "test" })
            ImageTree.Create(Path.Combine(dir, split), ["boot", "coat", "dress", "shirt"], perClass: 1);

        var error = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(dir));

        Assert.Equal($"{dir}: its folders \"Validation\", \"test\", \"train\" are the splits of a data set, each holding class "
            + $"folders (\"boot\", \"coat\", \"dress\", …), not classes: read {Path.Combine(dir, "train")} to train on and "
            + $"{Path.Combine(dir, "Validation")} to validate on and {Path.Combine(dir, "test")} to test on", error.Message);
    }

    [Fact]
    public void Load_SplitFoldersForAModelsClasses_RefusedNamingTheFoldersToRead()
    {
        // evaluate --images DIR on the layout: it said only that class "test" is not one of the model's.
        string dir = Path.Combine(Folder, "dataset");
        foreach (string split in new[] { "train", "test" }) ImageTree.Create(Path.Combine(dir, split), ["boot", "coat"], perClass: 1);

        var error = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(dir, classNames: ["boot", "coat"]));

        Assert.EndsWith($"not classes: read {Path.Combine(dir, "train")} to train on and {Path.Combine(dir, "test")} to test on",
            error.Message);
    }

    [Fact]
    public void Load_ClassesNamedLikeSplitsHoldingTheirImages_AreClasses()
    {
        string dir = Tree("test", "train");
        // A subfolder of photos each (say, a year's) is no split's set of classes.
        foreach (string label in new[] { "test", "train" }) ImageTree.Create(Path.Combine(dir, label, "2024"), ["photos"], perClass: 1);

        Assert.Equal(["test", "train"], ImageFolder.Load(dir).ClassNames);
    }

    [Fact]
    public void Load_HiddenFilesAndFilesBesideTheClasses_AreNotLookedAt()
    {
        string dir = Tree("a", "b");
        File.WriteAllText(Path.Combine(dir, "README.txt"), "not a class");
        File.WriteAllText(Path.Combine(dir, "a", ".DS_Store"), "finder");
        Directory.CreateDirectory(Path.Combine(dir, ".cache"));

        ImageFolder folder = ImageFolder.Load(dir);
        Assert.Equal(["a", "b"], folder.ClassNames);
        Assert.Equal(6, folder.Images.Count);
    }

    [Fact]
    public void Load_LinksToFoldersInsideAClass_NotFollowed()
    {
        // A link to the folder above made the walk go round until the path grew too long, then stop on the link.
        string dir = Tree("a", "b");
        Directory.CreateSymbolicLink(Path.Combine(dir, "a", "up"), "..");
        Directory.CreateSymbolicLink(Path.Combine(dir, "a", "b-too"), Path.Combine(dir, "b"));
        File.CreateSymbolicLink(Path.Combine(dir, "b", "linked.png"), Directory.GetFiles(Path.Combine(dir, "a"))[0]);

        ImageFolder folder = ImageFolder.Load(dir);

        Assert.Equal([3, 4], folder.Images.GroupBy(i => i.Label).Select(g => g.Count()));
        Assert.Contains(folder.Images, i => i.Path == Path.Combine(dir, "b", "linked.png"));
        Assert.Empty(folder.Skipped);
    }

    [Fact]
    public void Load_BadFilesUnderSkip_AreSkippedWithPathAndReason()
    {
        string dir = Tree("a", "b");
        string corrupt = Path.Combine(dir, "a", "corrupt.png"), text = Path.Combine(dir, "b", "notes.txt");
        File.WriteAllBytes(corrupt, "not a png at all"u8.ToArray());
        File.WriteAllText(text, "hello");

        ImageFolder folder = ImageFolder.Load(dir, BadImagePolicy.Skip);

        Assert.Equal(6, folder.Images.Count);
        Assert.Equal([corrupt, text], folder.Skipped.Select(s => s.Path));
        Assert.Contains("not an image", folder.Skipped.Single(s => s.Path == corrupt).Reason);
        Assert.Contains("not an image file", folder.Skipped.Single(s => s.Path == text).Reason);
    }

    [Fact]
    public void Load_HeicPhotoUnderSkip_ReasonNamesTheFormatAndWhatToDo()
    {
        string dir = Tree("a", "b");
        string heic = Path.Combine(dir, "b", "IMG_0001.HEIC");
        File.WriteAllBytes(heic, Imaging.EncodedImageTests.Heic);

        ImageFolder folder = ImageFolder.Load(dir, BadImagePolicy.Skip);

        Assert.Equal("the HEIC format cannot be decoded here (PNG, JPEG, BMP, GIF or WebP expected; convert the file to one of them)",
            folder.Skipped.Single().Reason);
    }

    [Fact]
    public void Load_BadFileUnderFail_ThrowsNamingThePath()
    {
        string dir = Tree("a", "b");
        string corrupt = Path.Combine(dir, "b", "x.jpg");
        File.WriteAllBytes(corrupt, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
        var ex = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(dir));
        Assert.StartsWith(corrupt + ": ", ex.Message);
    }

    [Fact]
    public void Load_ManyBadFilesUnderFail_NamesTheFirstInPathOrder()
    {
        // Files are decoded in parallel; the error must still be the one a reading in order meets first.
        string dir = ImageTree.Create(Path.Combine(Folder, "many"), ["a", "b"], perClass: 40);
        foreach (int k in new[] { 7, 3, 25 })
            File.WriteAllBytes(Path.Combine(dir, "b", $"{k:D2}-bad.png"), "not a png"u8.ToArray());

        var ex = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(dir));

        Assert.StartsWith(Path.Combine(dir, "b", "03-bad.png") + ": not an image", ex.Message);
    }

    [Fact]
    public void Load_ClassWhoseEveryFileIsSkipped_RefusedSayingSomeWereSkipped()
    {
        string dir = Tree("a", "b");
        foreach (string file in Directory.GetFiles(Path.Combine(dir, "b"))) File.WriteAllText(file, "not an image");

        var ex = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(dir, BadImagePolicy.Skip));

        Assert.Equal(
            $"{Path.Combine(dir, "b")}: class \"b\" has no usable images (.png, .jpg, .jpeg, .bmp, .gif, .webp; some were skipped)",
            ex.Message);
    }

    /// <summary>Folders <see cref="ImageFolder.Load"/> refuses.</summary>
    public enum BadFolder
    {
        Missing,
        File,
        NoSubfolders,
        OneClass,
        EmptyClass,
    }

    [Theory]
    [InlineData(BadFolder.Missing, typeof(DirectoryNotFoundException), "folder not found")]
    [InlineData(BadFolder.File, typeof(InvalidDataException), "expected a folder of class subfolders, found a file")]
    [InlineData(BadFolder.NoSubfolders, typeof(InvalidDataException), "expected one subfolder per class")]
    [InlineData(BadFolder.OneClass, typeof(InvalidDataException), "expected at least 2 class folders, found 1")]
    [InlineData(BadFolder.EmptyClass, typeof(InvalidDataException), "class \"empty\" has no usable images")]
    public void Load_BadFolder_ThrowsOneLineNamingThePath(BadFolder kind, Type exception, string expected)
    {
        string dir = Path.Combine(Folder, "images");
        switch (kind)
        {
            case BadFolder.File: File.WriteAllText(dir, "x"); break;
            case BadFolder.NoSubfolders: Directory.CreateDirectory(dir); break;
            case BadFolder.OneClass: Tree("only"); break;
            case BadFolder.EmptyClass: Tree("a", "b"); Directory.CreateDirectory(Path.Combine(dir, "empty")); break;
        }
        Exception ex = Assert.ThrowsAny<Exception>(() => ImageFolder.Load(dir));
        Assert.IsType(exception, ex);
        Assert.Contains(expected, ex.Message);
        Assert.Contains(kind == BadFolder.EmptyClass ? Path.Combine(dir, "empty") : dir, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void ToDataView_TinyTree_PathLabelKeyAndBytesThenFeatures()
    {
        string dir = Tree("b", "a", "c");
        ImageFolder folder = ImageFolder.Load(dir);
        var ml = new MLContext(seed: 1);

        IDataView data = folder.ToDataView(ml);
        var label = data.Schema[ImageFolderDataView.LabelColumn];
        Assert.Equal(3UL, Assert.IsType<KeyDataViewType>(label.Type).Count);
        VBuffer<ReadOnlyMemory<char>> keys = default;
        label.GetKeyValues(ref keys);
        Assert.Equal(["a", "b", "c"], keys.DenseValues().Select(k => k.ToString()));

        IDataView features = ml.Transforms.PreprocessImages().Append(ml.Transforms.ScalePixels()).Fit(data).Transform(data);
        var rows = ml.Data.CreateEnumerable<Row>(features, reuseRowObject: false).ToList();
        Assert.Equal(folder.Images.Select(i => i.Path), rows.Select(r => r.ImagePath));
        Assert.Equal(folder.Images.Select(i => (uint)i.Label + 1), rows.Select(r => r.Label));
        Assert.Equal(File.ReadAllBytes(folder.Images[4].Path), rows[4].Image);
        Assert.Equal(folder.Images[4].Pixels.Select(p => p / 255f), rows[4].Features);
    }

    [Fact]
    public void Fit_FolderDataViewInAUsersOwnPipeline_PredictsTheFolderClassesAfterSaveAndLoad()
    {
        string dir = ImageTree.Create(Path.Combine(Folder, "images"), ["ring", "bar", "Strich"], perClass: 8);
        var ml = new MLContext(seed: 1);
        IDataView data = ImageFolder.Load(dir).ToDataView(ml);
        var pipeline = ml.Transforms.PreprocessImages()
            .Append(ml.Transforms.ScalePixels())
            .Append(ml.MulticlassClassification.Trainers.FashionCnn(new FashionCnnTrainer.Options
            {
                Preset = PresetKind.Fast, Epoch = 1, BatchSize = 8, ValidationSetFraction = 0,
            }));
        ITransformer model = pipeline.Fit(data);
        string zip = Path.Combine(Folder, "model.zip");
        ml.Model.Save(model, data.Schema, zip);

        ITransformer loaded = new MLContext(seed: 2).Model.Load(zip, out _);
        IDataView scored = loaded.Transform(data);
        VBuffer<ReadOnlyMemory<char>> keys = default;
        scored.Schema["PredictedLabel"].GetKeyValues(ref keys);
        Assert.Equal(["Strich", "bar", "ring"], keys.DenseValues().Select(k => k.ToString()));
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.Equal(3, metrics.ConfusionMatrix.NumberOfClasses);
        Assert.Equal(24, metrics.ConfusionMatrix.Counts.Sum(row => row.Sum()));
    }

    [Fact]
    public void Load_ClassesNoFolderCanBeNamed_FoldersNamedAsTheirFolderNamesTakeTheirLabels()
    {
        // Fashion-MNIST's classes for a model's evaluation: "T-shirt/top" cannot be a folder name.
        string[] classes = ["T-shirt/top", "Bag", "Ankle boot"];
        string dir = ImageTree.Create(Path.Combine(Folder, "photos"), ["Ankle_Boot", "Bag", "t-shirt-top"], perClass: 2);

        ImageFolder folder = ImageFolder.Load(dir, classNames: classes);

        Assert.Equal(classes, folder.ClassNames);
        Assert.Equal([0, 0, 1, 1, 2, 2], folder.Images.Select(i => i.Label).Order());
        Assert.All(folder.Images.Where(i => i.Label == 0), i => Assert.Contains("t-shirt-top", i.Path));
        Assert.All(folder.Images.Where(i => i.Label == 2), i => Assert.Contains("Ankle_Boot", i.Path));
    }

    [Fact]
    public void Load_TwoFoldersForOneClass_RefusedNamingBoth()
    {
        string dir = ImageTree.Create(Path.Combine(Folder, "photos"), ["Bag", "T-shirt_top", "t-shirt-top"], perClass: 1);

        var error = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(dir, classNames: ["T-shirt/top", "Bag"]));

        Assert.Equal($"{Path.Combine(dir, "t-shirt-top")}: folders \"T-shirt_top\" and \"t-shirt-top\" both stand for class "
            + "\"T-shirt/top\": keep one", error.Message);
    }

    [Fact]
    public void FolderName_ClassName_LowerCaseWithDashesForAllButLettersAndDigits()
    {
        Assert.Equal(["t-shirt-top", "ankle-boot", "cat"], new[] { "T-shirt/top", "Ankle boot", "cat" }.Select(ImageFolder.FolderName));
    }

    private sealed class Row
    {
        public string ImagePath { get; set; } = "";
        public uint Label { get; set; }
        public byte[] Image { get; set; } = [];
        public float[] Features { get; set; } = [];
    }
}
