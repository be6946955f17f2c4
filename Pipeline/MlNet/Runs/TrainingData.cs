using MlNetFashion.Pipeline.Data;

namespace MlNetFashion.Pipeline.Runs;

/// <summary>
/// What a training run learns from and is tested on: 28×28 images with labels 0 … K−1, the names of those K classes
/// (in label order) and where the images came from, for the progress line and the report.
/// </summary>
public sealed record TrainingData(FashionMnistSplit Train, FashionMnistSplit Test, IReadOnlyList<string> ClassNames, string Source)
{
    /// <summary>
    /// Classes of the user's own (true unless the data is Fashion-MNIST): the exported model says so
    /// (<see cref="ModelFile.OwnClassesKey"/>), and scoring never maps its classes onto Fashion-MNIST's.
    /// </summary>
    public bool OwnClasses { get; init; } = true;

    /// <summary>Throws when the labels and class names disagree, or a part is empty.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Train);
        ArgumentNullException.ThrowIfNull(Test);
        ArgumentNullException.ThrowIfNull(ClassNames);
        if (ClassNames.Count < 2) throw new ArgumentException($"{Source}: expected at least 2 classes, found {ClassNames.Count}");
        if (ClassNames.Distinct(StringComparer.Ordinal).Count() != ClassNames.Count)
            throw new ArgumentException($"{Source}: expected distinct class names, found {string.Join(", ", ClassNames)}");
        if (Train.Count == 0) throw new ArgumentException($"{Source}: expected training images, found none");
        if (Test.Count == 0) throw new ArgumentException($"{Source}: expected test images, found none");
        foreach (var (part, split) in new[] { ("training", Train), ("test", Test) })
        {
            int bad = Array.FindIndex(split.Labels, l => l >= ClassNames.Count);
            if (bad >= 0)
                throw new ArgumentException(
                    $"{Source}: {part} image {bad} has label {split.Labels[bad]}; expected 0 … {ClassNames.Count - 1}");
        }
    }
}
