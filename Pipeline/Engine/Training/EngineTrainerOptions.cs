using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Schedules;

namespace MlNetFashion.Engine.Training;

/// <summary>Everything the engine's fit loop needs to know; defaults are the `fast` preset's.</summary>
public sealed record EngineTrainerOptions
{
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 128;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;
    public float LearningRate { get; init; } = 0.003f;
    public float WeightDecay { get; init; } = 0.0005f;
    public float Momentum { get; init; } = 0.9f;
    /// <summary>Adam's and AdamW's ε: PyTorch's 1e-8 unless a recipe from a Keras source asks for Keras' 1e-7.</summary>
    public float AdamEpsilon { get; init; } = Optimizers.Adam.DefaultEpsilon;
    public bool Nesterov { get; init; } = true;
    public ScheduleKind Schedule { get; init; } = ScheduleKind.OneCycle;
    public float WarmupFraction { get; init; } = 0.2f;
    public float LabelSmoothing { get; init; }
    /// <summary>
    /// Validate, calibrate and export an average of the weights over the last steps (<see cref="Training.WeightAveraging"/>).
    /// </summary>
    public WeightAveraging WeightAveraging { get; init; } = WeightAveraging.None;
    public AugmentationOptions Augmentation { get; init; } = AugmentationOptions.None;
    /// <summary>Score the exported model on the views of <see cref="Augmentation"/> (<see cref="TestTimeViews"/>).</summary>
    public bool TestTimeAugmentation { get; init; }
    /// <summary>The convolution kernels the model is built with (null: the auto rule); MLNETFASHION_CONV still overrides it.</summary>
    public Kernels.ConvolutionAlgorithm.Choice? Convolution { get; init; }
    public ulong Seed { get; init; } = 1;
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>
    /// When to stop, and which metric picks the epoch restore-best keeps (<see cref="Training.EarlyStopping"/>);
    /// by default it never stops and keeps the most accurate epoch.
    /// </summary>
    public EarlyStopping EarlyStopping { get; init; } = EarlyStopping.Off;
    /// <summary>Halve (× factor) the learning rate when validation loss has not improved for this many epochs (0: off).</summary>
    public int ReduceOnPlateauPatience { get; init; }
    public float ReduceOnPlateauFactor { get; init; } = 0.5f;
    /// <summary>The least fall of validation loss that counts as progress for the plateau (Keras' min_delta, 1e-4).</summary>
    public float ReduceOnPlateauMinDelta { get; init; } = ReduceLearningRateOnPlateau.KerasMinDelta;
    /// <summary>
    /// Keras' restore_best_weights: end with the weights of the best validation epoch, when the validation set holds at
    /// least <see cref="EngineTrainer.RankingImages"/> images; on fewer the last epoch's are kept.
    /// </summary>
    public bool RestoreBestWeights { get; init; } = true;
    /// <summary>
    /// The share of the training data a caller holds out (stratified) for validation, 0 for none: part of a preset's
    /// recipe. The fit loop itself trains on what it is given; the ML.NET trainer does the split.
    /// </summary>
    public float ValidationFraction { get; init; } = 0.1f;

    public void Validate()
    {
        if (Epochs <= 0) throw Invalid(nameof(Epochs), Epochs, "epochs: expected at least 1.");
        if (BatchSize <= 0) throw Invalid(nameof(BatchSize), BatchSize, "batch size: expected at least 1.");
        if (!(LearningRate > 0) || float.IsInfinity(LearningRate))
            throw Invalid(nameof(LearningRate), LearningRate, "learning rate: expected a positive number.");
        if (!(AdamEpsilon > 0) || float.IsInfinity(AdamEpsilon))
            throw Invalid(nameof(AdamEpsilon), AdamEpsilon, "adam epsilon: expected a positive number.");
        if (!Enum.IsDefined(EarlyStopping.Metric))
            throw Invalid(nameof(EarlyStopping), EarlyStopping.Metric,
                $"monitor: expected {EnumSpelling.Expected<EarlyStoppingMetric>()}.");
        if (!(EarlyStopping.MinDelta >= 0))
            throw Invalid(nameof(EarlyStopping), EarlyStopping.MinDelta, "early stopping min delta: expected 0 or more.");
        if (!(ReduceOnPlateauMinDelta >= 0))
            throw Invalid(nameof(ReduceOnPlateauMinDelta), ReduceOnPlateauMinDelta, "plateau min delta: expected 0 or more.");
        if (Threads <= 0) throw Invalid(nameof(Threads), Threads, "threads: expected at least 1.");
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
            throw Invalid(nameof(ValidationFraction), ValidationFraction, "validation fraction: expected a value in [0, 1).");
        // A negative decay grows the weights, a negative patience would read as "off".
        if (LabelSmoothing is not (>= 0 and < 1))
            throw Invalid(nameof(LabelSmoothing), LabelSmoothing, "label smoothing: expected a value in [0, 1).");
        if (!(WeightDecay >= 0) || float.IsInfinity(WeightDecay))
            throw Invalid(nameof(WeightDecay), WeightDecay, "weight decay: expected 0 or more.");
        if (EarlyStopping.Patience < 0)
            throw Invalid(nameof(EarlyStopping), EarlyStopping.Patience, "early stopping patience: expected 0 (off) or more.");
        if (ReduceOnPlateauPatience < 0)
            throw Invalid(nameof(ReduceOnPlateauPatience), ReduceOnPlateauPatience, "plateau patience: expected 0 (off) or more.");
        ArgumentNullException.ThrowIfNull(WeightAveraging);
        WeightAveraging.Validate();
        ArgumentNullException.ThrowIfNull(Augmentation);
        Augmentation.Validate();
        if (WarmupFraction is not (>= 0 and < 1))
            throw Invalid(nameof(WarmupFraction), WarmupFraction, "warm-up fraction: expected a value in [0, 1).");
        if (ReduceOnPlateauFactor is not (> 0 and <= 1))
            throw Invalid(nameof(ReduceOnPlateauFactor), ReduceOnPlateauFactor, "plateau factor: expected a value in (0, 1].");
        // An enum value outside its names (a cast) is refused where it is resolved (one switch each).
        _ = Optimizers.Optimizer.Create(Optimizer, WeightDecay, Momentum, Nesterov, AdamEpsilon);
        _ = LearningRateSchedule.Create(Schedule, WarmupFraction);
    }

    private static ArgumentOutOfRangeException Invalid(string name, object value, string message) => new(name, value, message);
}
