namespace MlNetFashion.Pipeline.Data;

/// <summary>The Fashion-MNIST data set: the official 60,000 training and 10,000 test images, validated on load.</summary>
public sealed class FashionMnist
{
    private FashionMnist(string directory, FashionMnistSplit train, FashionMnistSplit test) =>
        (Directory, Train, Test) = (directory, train, test);

    public string Directory { get; }
    public FashionMnistSplit Train { get; }
    public FashionMnistSplit Test { get; }

    /// <summary>Locates (see <see cref="DataLocator"/>) and loads both splits.</summary>
    public static FashionMnist Load(string? dataDir = null)
    {
        string directory = DataLocator.Locate(dataDir);
        return new FashionMnist(directory, LoadSplit(directory, "train"), LoadSplit(directory, "t10k"));
    }

    /// <summary>Loads one split ("train" or "t10k") from a folder.</summary>
    public static FashionMnistSplit LoadSplit(string directory, string prefix)
    {
        IdxFile images = IdxReader.Read(DataLocator.RequireFile(directory, $"{prefix}-images-idx3-ubyte"), IdxFile.ImagesMagic);
        IdxFile labels = IdxReader.Read(DataLocator.RequireFile(directory, $"{prefix}-labels-idx1-ubyte"), IdxFile.LabelsMagic);
        return Validate(images, labels);
    }

    /// <summary>Checks shapes, counts and label range of a parsed pair.</summary>
    public static FashionMnistSplit Validate(IdxFile images, IdxFile labels)
    {
        if (images.Dimensions.Length != 3 || images.Dimensions[1] != FashionMnistSplit.Rows
            || images.Dimensions[2] != FashionMnistSplit.Columns)
            throw new FashionMnistDataException($"{images.Name}: expected images of 28×28, found dimensions " +
                $"[{string.Join(", ", images.Dimensions)}]");
        if (images.Count != labels.Count)
            throw new FashionMnistDataException($"{labels.Name}: expected {images.Count:N0} labels to match " +
                $"{Path.GetFileName(images.Name)}, found {labels.Count:N0}");
        int bad = Array.FindIndex(labels.Data, l => l >= FashionMnistClasses.Count);
        if (bad >= 0)
            throw new FashionMnistDataException($"{labels.Name}: label {labels.Data[bad]} at index {bad} is outside 0..9");
        return new FashionMnistSplit(images.Data, labels.Data);
    }
}
