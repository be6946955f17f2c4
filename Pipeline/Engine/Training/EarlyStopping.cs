namespace MlNetFashion.Engine.Training;

/// <summary>
/// What early stopping watches (as ML.NET's ImageClassificationTrainer.EarlyStoppingMetric); it also ranks the epochs
/// for restore-best. The JSON spec's "monitor" spells it accuracy or loss.
/// </summary>
public enum EarlyStoppingMetric
{
    /// <summary>Validation accuracy (ML.NET's default).</summary>
    Accuracy,
    /// <summary>Validation loss (Keras' default).</summary>
    Loss,
}

/// <summary>
/// Stop when the validation <see cref="Metric"/> has not improved by more than <see cref="MinDelta"/> for
/// <see cref="Patience"/> epochs; a patience of 0 never stops. Whether or not it stops, <see cref="Metric"/> picks the
/// epoch whose weights restore-best keeps, and a later epoch must beat that one by more than <see cref="MinDelta"/>
/// (Keras' restore_best_weights) or match its accuracy at a lower loss (<see cref="Improves"/>). Training figures stand
/// in for validation ones when nothing is held out.
/// </summary>
public sealed record EarlyStopping(int Patience = 5, float MinDelta = 0f, EarlyStoppingMetric Metric = EarlyStoppingMetric.Accuracy)
{
    /// <summary>Never stops; the best epoch is the most accurate.</summary>
    public static EarlyStopping Off { get; } = new(Patience: 0);

    /// <summary>Higher is better: the accuracy, or the negated loss (validation figures when there are any).</summary>
    public float Score(EpochMetrics metrics) => Metric == EarlyStoppingMetric.Loss
        ? -(metrics.ValidationLoss ?? metrics.Loss)
        : metrics.ValidationAccuracy ?? metrics.Accuracy;

    /// <summary>
    /// Whether restore-best keeps <paramref name="epoch"/> over <paramref name="best"/> (null before the first epoch): a score
    /// higher by more than <see cref="MinDelta"/>, or on accuracy the same accuracy at a lower loss. A small validation
    /// set's accuracy takes few values (100 % for many epochs of a 100-image split), so a tie is common there and the
    /// lower loss tells the better-fitted epoch.
    /// </summary>
    public bool Improves(EpochMetrics epoch, EpochMetrics? best)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        if (best is null) return true;
        float score = Score(epoch), bestScore = Score(best);
        if (score > bestScore + MinDelta) return true;
        return Metric == EarlyStoppingMetric.Accuracy && score == bestScore
            && (epoch.ValidationLoss ?? epoch.Loss) < (best.ValidationLoss ?? best.Loss);
    }

    /// <summary>The callback that applies it; null when <see cref="Patience"/> is 0.</summary>
    public ITrainingCallback? CreateCallback() => Patience > 0 ? new EarlyStoppingCallback(this) : null;
}
