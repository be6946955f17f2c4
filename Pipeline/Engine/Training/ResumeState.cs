namespace MlNetFashion.Engine.Training;

/// <summary>
/// Where a run stands, besides its weights, optimizer and RNG state: what a checkpoint stores and what
/// <see cref="EngineTrainer.Resume"/> continues from. <see cref="BestScore"/> is in <see cref="EarlyStopping.Score"/>'s
/// units (−∞ before the first epoch); <see cref="Interrupted"/> is set only when a cancelled Fit stopped inside an epoch.
/// </summary>
public sealed record ResumeState(int CompletedEpochs, IReadOnlyList<EpochMetrics> History, int BestEpoch, float BestScore,
    float LearningRateScale, PartialEpoch? Interrupted)
{
    /// <summary>A run that has not trained yet.</summary>
    public static ResumeState Start { get; } = new(0, [], 0, float.NegativeInfinity, 1f, null);
}

/// <summary>
/// What a Fit produced: every epoch's metrics (those of a resumed run's earlier epochs included), the epoch whose
/// weights the model now holds (the last one unless restore-best kept an earlier one), and why it stopped early, if it did.
/// </summary>
public sealed record TrainingResult(IReadOnlyList<EpochMetrics> History, int BestEpoch, float BestScore, string? StopReason)
{
    public int CompletedEpochs => History.Count;
}
