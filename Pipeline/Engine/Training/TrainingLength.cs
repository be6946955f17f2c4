namespace MlNetFashion.Engine.Training;

/// <summary>
/// How long a run trains when nobody said: a preset's epochs are counted for Fashion-MNIST (54,000 training images, 844
/// steps an epoch at batch 64), and on a small data set the same epochs are a few dozen optimizer steps, too few to
/// learn from (200 photos of ten classes: 24 steps; docs/results.md has the figures). A preset's run from scratch trains
/// for at least <see cref="MinimumSteps"/> steps; epochs a user gives, in the options or a model spec, stand as given,
/// and so do a fine-tuning run's, which starts from trained features.
/// </summary>
public static class TrainingLength
{
    /// <summary>
    /// Over 8 epochs of <c>fast</c>, 500 steps gave 17–31 points on 200 photos of ten classes (24 steps), 5 on 1,000
    /// photos, 0.2–0.4 on 1,347 digits; 600 and 1,200 steps gave no more than 500.
    /// </summary>
    public const int MinimumSteps = 500;

    /// <summary>Batches in an epoch of <paramref name="images"/>: the last one may be short.</summary>
    public static int StepsPerEpoch(int images, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(images);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return (images + batchSize - 1) / batchSize;
    }

    /// <summary>
    /// <paramref name="epochs"/> (a preset's), or as many more as give <see cref="MinimumSteps"/> steps on
    /// <paramref name="images"/> training images.
    /// </summary>
    public static int Epochs(int epochs, int images, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        int steps = StepsPerEpoch(images, batchSize);
        return Math.Max(epochs, (MinimumSteps + steps - 1) / steps);
    }
}
