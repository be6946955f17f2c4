namespace MlNetFashion.Engine.Training;

/// <summary>What a callback may do to the loop at the end of an epoch.</summary>
public sealed class TrainingControl
{
    /// <summary>Multiplies the schedule's rate (ReduceLROnPlateau lowers it).</summary>
    public float LearningRateScale { get; set; } = 1f;
    public bool StopRequested { get; set; }
    public string? StopReason { get; set; }
}

/// <summary>Small objects the loop calls (Keras callbacks): early stopping, plateau, checkpoints, progress.</summary>
public interface ITrainingCallback
{
    void OnBatchEnd(BatchMetrics metrics) { }
    void OnEpochEnd(EpochMetrics metrics, TrainingControl control) { }
}

/// <summary>
/// Stops when the monitored metric (validation accuracy, or validation loss when <paramref name="monitor"/> is "loss")
/// has not improved by more than <paramref name="minDelta"/> for <paramref name="patience"/> epochs.
/// </summary>
public sealed class EarlyStopping(int patience, float minDelta = 0f, string monitor = "accuracy") : ITrainingCallback
{
    private float _best = float.NegativeInfinity;
    private int _wait;

    /// <summary>Higher is better: the accuracy, or the negated loss (validation figures when there are any).</summary>
    public static float Score(EpochMetrics metrics, string monitor) => monitor == "loss"
        ? -(metrics.ValidationLoss ?? metrics.Loss)
        : metrics.ValidationAccuracy ?? metrics.Accuracy;

    public void OnEpochEnd(EpochMetrics metrics, TrainingControl control)
    {
        float value = Score(metrics, monitor);
        if (value > _best + minDelta) { _best = value; _wait = 0; return; }
        if (++_wait >= patience)
        {
            control.StopRequested = true;
            control.StopReason = $"early stopping: no validation-{monitor} gain for {patience} epochs";
        }
    }
}

/// <summary>
/// Multiplies the learning rate by <paramref name="factor"/> when validation loss has not fallen by more than
/// <paramref name="minDelta"/> for <paramref name="patience"/> epochs. Keras' ReduceLROnPlateau counts a fall of at most
/// its min_delta (1e-4) as a stall; without it, 1e-5-sized wobbles of a flat loss would keep resetting the count.
/// </summary>
public sealed class ReduceLearningRateOnPlateau(int patience, float factor = 0.5f, float minDelta = ReduceLearningRateOnPlateau.KerasMinDelta, float minScale = 1e-3f) : ITrainingCallback
{
    public const float KerasMinDelta = 1e-4f;
    private float _best = float.PositiveInfinity;
    private int _wait;

    public void OnEpochEnd(EpochMetrics metrics, TrainingControl control)
    {
        float value = metrics.ValidationLoss ?? metrics.Loss;
        if (value < _best - minDelta) { _best = value; _wait = 0; return; }
        if (++_wait >= patience)
        {
            control.LearningRateScale = Math.Max(minScale, control.LearningRateScale * factor);
            _wait = 0;
        }
    }
}
