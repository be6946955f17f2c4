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
    /// <summary>Before the first batch of <paramref name="epoch"/> (1-based), also of one a resume continues.</summary>
    void OnEpochStart(int epoch) { }
    void OnBatchEnd(BatchMetrics metrics) { }
    void OnEpochEnd(EpochMetrics metrics, TrainingControl control) { }
}

/// <summary>Applies an <see cref="EarlyStopping"/>: counts the epochs since its metric last improved.</summary>
public sealed class EarlyStoppingCallback(EarlyStopping criteria) : ITrainingCallback
{
    private float _best = float.NegativeInfinity;
    private int _wait;

    public void OnEpochEnd(EpochMetrics metrics, TrainingControl control)
    {
        float value = criteria.Score(metrics);
        if (value > _best + criteria.MinDelta) { _best = value; _wait = 0; return; }
        if (++_wait >= criteria.Patience)
        {
            control.StopRequested = true;
            control.StopReason =
                $"early stopping: no validation-{EnumSpelling.Of(criteria.Metric)} gain for {criteria.Patience} epochs";
        }
    }
}

/// <summary>
/// Multiplies the learning rate by <paramref name="factor"/> when validation loss has not fallen by more than
/// <paramref name="minDelta"/> for <paramref name="patience"/> epochs. Keras' ReduceLROnPlateau counts a fall of at most
/// its min_delta (1e-4) as a stall; without it, 1e-5-sized wobbles of a flat loss would keep resetting the count.
/// </summary>
public sealed class ReduceLearningRateOnPlateau(
    int patience, float factor = 0.5f, float minDelta = ReduceLearningRateOnPlateau.KerasMinDelta, float minScale = 1e-3f)
    : ITrainingCallback
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
