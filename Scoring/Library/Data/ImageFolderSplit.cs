using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Runs;

namespace MlNetFashion.Scoring.Data;

/// <summary>
/// A training run's data from image folders: the training folder, and either a test folder with the same classes or a
/// seeded, stratified hold-out of the training folder (every class gives the same fraction; the same seed, the same
/// split).
/// </summary>
public static class ImageFolderSplit
{
    /// <summary>The hold-out when there is no test folder.</summary>
    public const float DefaultTestFraction = 0.2f;

    /// <summary>The run's data and the folders it came from (their <see cref="ImageFolder.Skipped"/> files included).</summary>
    public sealed record Result(TrainingData Data, ImageFolder Train, ImageFolder? Test);

    public static Result Load(string images, string? testImages, float? testFraction, BadImagePolicy onBadImage, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (testImages is not null && testFraction is not null)
            throw new ArgumentException("--test-images and --test-fraction: expected one of them, received both");
        if (testFraction is { } f && !(f > 0 && f < 1))
            throw new ArgumentException($"--test-fraction: expected a value in (0, 1), received {f}");
        ImageFolder train = ImageFolder.Load(images, onBadImage);
        if (testImages is not null)
        {
            ImageFolder test = ImageFolder.Load(testImages, onBadImage, train.ClassNames);
            return new Result(new TrainingData(train.ToSplit(), test.ToSplit(), train.ClassNames, Describe(train, test)), train, test);
        }
        float fraction = testFraction ?? DefaultTestFraction;
        int[] labels = [.. train.Images.Select(i => i.Label)];
        var (trainRows, testRows) = StratifiedSplit.Split(labels, fraction, seed);
        for (int k = 0; k < train.ClassNames.Count; k++)
        {
            int count = labels.Count(l => l == k);
            if (!trainRows.Any(r => labels[r] == k))
                throw new InvalidDataException(
                    $"{Path.Combine(images, train.ClassNames[k])}: class \"{train.ClassNames[k]}\" has {count} image(s), " +
                    $"all held out by --test-fraction {fraction}; expected some left to train on");
        }
        if (testRows.Length == 0)
            throw new InvalidDataException($"{images}: --test-fraction {fraction} of {labels.Length} images holds out none; " +
                "expected more images, a larger fraction or --test-images");
        var data = new TrainingData(train.ToSplit(trainRows), train.ToSplit(testRows), train.ClassNames,
            $"{images} ({train.ClassNames.Count} classes; {fraction:0.##} held out for testing)");
        return new Result(data, train, null);
    }

    private static string Describe(ImageFolder train, ImageFolder test) =>
        $"{train.Directory} ({train.ClassNames.Count} classes) and test images from {test.Directory}";
}
