using MlNetFashion.Engine.Augmentation;

namespace MlNetFashion.Engine.Training;

/// <summary>Everything the engine's fit loop needs to know; defaults are the `fast` preset's.</summary>
public sealed record EngineTrainerOptions
{
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 128;
    public string Optimizer { get; init; } = "adamw";
    public float LearningRate { get; init; } = 0.003f;
    public float WeightDecay { get; init; } = 0.0005f;
    public float Momentum { get; init; } = 0.9f;
    /// <summary>Adam's and AdamW's ε: PyTorch's 1e-8 unless a recipe from a Keras source asks for Keras' 1e-7.</summary>
    public float AdamEpsilon { get; init; } = Optimizers.Adam.DefaultEpsilon;
    public bool Nesterov { get; init; } = true;
    public string Schedule { get; init; } = "onecycle";
    public float WarmupFraction { get; init; } = 0.2f;
    public float LabelSmoothing { get; init; }
    public AugmentationOptions Augmentation { get; init; } = AugmentationOptions.None;
    /// <summary>Score the exported model on the views of <see cref="Augmentation"/> (<see cref="TestTimeViews"/>).</summary>
    public bool TestTimeAugmentation { get; init; }
    /// <summary>The convolution kernels the model is built with (null: the auto rule); MLNETFASHION_CONV still overrides it.</summary>
    public Kernels.ConvolutionAlgorithm.Choice? Convolution { get; init; }
    public ulong Seed { get; init; } = 1;
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>Stop when the monitored validation metric has not improved for this many epochs (0: never).</summary>
    public int EarlyStoppingPatience { get; init; }
    /// <summary>The least change that counts as an improvement (Keras' min_delta).</summary>
    public float EarlyStoppingMinDelta { get; init; }
    /// <summary>
    /// "accuracy" (validation accuracy, ML.NET's default) or "loss" (validation loss, Keras' default): what early stopping
    /// watches and what picks the best epoch that restore-best keeps.
    /// </summary>
    public string Monitor { get; init; } = "accuracy";
    /// <summary>Halve (× factor) the learning rate when validation loss has not improved for this many epochs (0: off).</summary>
    public int ReduceOnPlateauPatience { get; init; }
    public float ReduceOnPlateauFactor { get; init; } = 0.5f;
    /// <summary>The least fall of validation loss that counts as progress for the plateau (Keras' min_delta, 1e-4).</summary>
    public float ReduceOnPlateauMinDelta { get; init; } = ReduceLearningRateOnPlateau.KerasMinDelta;
    /// <summary>Keras' restore_best_weights: end with the weights of the best validation epoch.</summary>
    public bool RestoreBestWeights { get; init; } = true;
    /// <summary>
    /// The share of the training data a caller holds out (stratified) for validation, 0 for none: part of a preset's
    /// recipe. The fit loop itself trains on what it is given; the ML.NET trainer does the split.
    /// </summary>
    public float ValidationFraction { get; init; } = 0.1f;

    public void Validate()
    {
        if (Epochs <= 0) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "epochs: expected at least 1.");
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch size: expected at least 1.");
        if (!(LearningRate > 0) || float.IsInfinity(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning rate: expected a positive number.");
        if (!(AdamEpsilon > 0) || float.IsInfinity(AdamEpsilon)) throw new ArgumentOutOfRangeException(nameof(AdamEpsilon), AdamEpsilon, "adam epsilon: expected a positive number.");
        if (Monitor is not ("accuracy" or "loss")) throw new ArgumentOutOfRangeException(nameof(Monitor), Monitor, "monitor: expected accuracy or loss.");
        if (!(EarlyStoppingMinDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(EarlyStoppingMinDelta), EarlyStoppingMinDelta, "early stopping min delta: expected 0 or more.");
        if (!(ReduceOnPlateauMinDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(ReduceOnPlateauMinDelta), ReduceOnPlateauMinDelta, "plateau min delta: expected 0 or more.");
        if (Threads <= 0) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads: expected at least 1.");
        // Accepted silently before: a negative decay grows the weights, a negative patience meant "off" by accident.
        if (!(WeightDecay >= 0) || float.IsInfinity(WeightDecay)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "weight decay: expected 0 or more.");
        if (EarlyStoppingPatience < 0) throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "early stopping patience: expected 0 (off) or more.");
        if (ReduceOnPlateauPatience < 0) throw new ArgumentOutOfRangeException(nameof(ReduceOnPlateauPatience), ReduceOnPlateauPatience, "plateau patience: expected 0 (off) or more.");
        // The names, checked where they are resolved (one list each); the objects are small and stateless until bound.
        _ = Optimizers.Optimizer.Create(Optimizer, WeightDecay, Momentum, Nesterov, AdamEpsilon);
        _ = Schedules.LearningRateSchedule.Create(Schedule, WarmupFraction);
    }
}
