namespace MlNetFashion.Engine.Training;

/// <summary>The weight averages the engine keeps. The JSON spec and checkpoints spell them none, exponential.</summary>
public enum WeightAveragingKind
{
    /// <summary>The model ends with its last (or best) epoch's weights as trained.</summary>
    None,
    /// <summary>An exponential moving average of the weights over the optimizer steps (Polyak averaging).</summary>
    Exponential,
}

/// <summary>
/// Averages the weights over the last steps and validates, calibrates and exports the average instead of the last
/// step's weights: one-cycle's final steps still move the weights by noise of the order of the learning rate, and the
/// average sits nearer the middle of the minimum they wander in. <see cref="Decay"/> d weighs the steps as
/// average ← d_t · average + (1 − d_t) · weights after step t (t = 1, 2, …), with d_t = min(d, (1 + t) / (10 + t)) as in
/// TensorFlow's ExponentialMovingAverage with num_updates, so the first steps do not leave the random start in the
/// average; the average spans about 1 / (1 − d) steps. Batch-norm running statistics are averaged the same way
/// (see <see cref="AveragedWeights"/>).
/// </summary>
public sealed record WeightAveraging(WeightAveragingKind Kind = WeightAveragingKind.Exponential, float Decay = 0.999f)
{
    public static WeightAveraging None { get; } = new(WeightAveragingKind.None);

    public bool IsOn => Kind != WeightAveragingKind.None;

    /// <summary>The decay at optimizer step <paramref name="step"/> (1-based).</summary>
    public float DecayAt(long step) => Math.Min(Decay, (float)((1.0 + step) / (10.0 + step)));

    internal void Validate()
    {
        if (!Enum.IsDefined(Kind))
            throw new ArgumentOutOfRangeException(nameof(EngineTrainerOptions.WeightAveraging), Kind,
                $"weight averaging: expected {EnumSpelling.Expected<WeightAveragingKind>()}.");
        if (IsOn && !(Decay > 0 && Decay < 1))
            throw new ArgumentOutOfRangeException(nameof(EngineTrainerOptions.WeightAveraging), Decay,
                "weight averaging decay: expected a number between 0 and 1 (exclusive).");
    }
}
