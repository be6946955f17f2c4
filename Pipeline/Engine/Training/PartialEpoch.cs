namespace MlNetFashion.Engine.Training;

/// <summary>
/// An epoch stopped before batch <see cref="Batch"/>: the RNG state at the epoch's start (to rebuild its shuffle),
/// the RNG state now (augmentation and dropout continue from it) and the running sums of the epoch's metrics.
/// </summary>
public sealed record PartialEpoch(int Epoch, int Batch, ulong[] EpochStartRandom, ulong[] Random, double LossSum, long Correct);
