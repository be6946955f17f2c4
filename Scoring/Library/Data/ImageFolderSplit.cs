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

    /// <summary>
    /// The run's data and the folders it came from (their <see cref="ImageFolder.Skipped"/> files included); Warnings: what
    /// makes the test accuracy or the labels mean less than they seem (<see cref="Overlaps"/>), a line each.
    /// </summary>
    public sealed record Result(TrainingData Data, ImageFolder Train, ImageFolder? Test)
    {
        public IReadOnlyList<string> Warnings { get; init; } = [];
    }

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
            return new Result(new TrainingData(train.ToSplit(), test.ToSplit(), train.ClassNames, Describe(train, test)), train, test)
            {
                Warnings = Overlaps(train.Images, test.Images, train.ClassNames),
            };
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
        return new Result(data, train, null)
        {
            Warnings = Overlaps([.. trainRows.Select(r => train.Images[r])], [.. testRows.Select(r => train.Images[r])], train.ClassNames),
        };
    }

    /// <summary>
    /// Images the model would see as the same, byte for byte at 28×28: test images that are training images too (a photo
    /// copied into both folders, or twice into one folder that the hold-out then split), whose test accuracy is no test; and
    /// one image under two classes, one of whose labels is wrong. Blank images are left out: every blank photo makes one.
    /// </summary>
    public static IReadOnlyList<string> Overlaps(IReadOnlyList<ImageFile> train, IReadOnlyList<ImageFile> test,
        IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(classes);
        var firstOf = new Dictionary<byte[], ImageFile>(PixelComparer.Instance);
        foreach (ImageFile image in train.Where(i => i.Pixels.AsSpan().ContainsAnyExcept((byte)0))) firstOf.TryAdd(image.Pixels, image);
        var warnings = new List<string>();
        var seen = test.Where(t => firstOf.ContainsKey(t.Pixels)).Select(t => (Test: t, Train: firstOf[t.Pixels])).ToList();
        if (seen.Count > 0)
            warnings.Add($"{seen.Count} test image(s) are training images too, as the model sees them ({seen[0].Test.Path} = "
                + $"{seen[0].Train.Path}{(seen.Count > 1 ? ", …" : "")}): the test accuracy counts them");
        foreach (ImageFile image in test.Where(i => i.Pixels.AsSpan().ContainsAnyExcept((byte)0))) firstOf.TryAdd(image.Pixels, image);
        var torn = train.Concat(test).Where(i => firstOf.TryGetValue(i.Pixels, out ImageFile? first) && first.Label != i.Label)
            .Select(i => (Image: i, First: firstOf[i.Pixels])).ToList();
        if (torn.Count > 0)
            warnings.Add($"{torn.Count} image(s) stand in two classes at once, as the model sees them ({torn[0].First.Path} in "
                + $"\"{classes[torn[0].First.Label]}\" = {torn[0].Image.Path} in \"{classes[torn[0].Image.Label]}\""
                + $"{(torn.Count > 1 ? ", …" : "")}): one of each pair's labels is wrong");
        return warnings;
    }

    /// <summary>Byte-for-byte equality of 28×28 images.</summary>
    private sealed class PixelComparer : IEqualityComparer<byte[]>
    {
        public static readonly PixelComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] pixels)
        {
            var hash = new HashCode();
            hash.AddBytes(pixels);
            return hash.ToHashCode();
        }
    }

    private static string Describe(ImageFolder train, ImageFolder test) =>
        $"{train.Directory} ({train.ClassNames.Count} classes) and test images from {test.Directory}";
}
