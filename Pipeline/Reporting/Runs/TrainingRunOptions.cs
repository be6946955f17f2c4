using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Training;
using MlNetFashion.Pipeline.Trainer;

namespace MlNetFashion.Pipeline.Runs;

/// <summary>The train verb's options (null = the preset's value).</summary>
public sealed record TrainingRunOptions
{
    public PresetKind? Preset { get; init; }
    public string? ModelSpec { get; init; }
    public int? Epochs { get; init; }
    public int? BatchSize { get; init; }
    public float? LearningRate { get; init; }
    public Engine.Optimizers.OptimizerKind? Optimizer { get; init; }
    public ulong Seed { get; init; } = 1;
    public int? Threads { get; init; }
    /// <summary>null: the preset's (0.1 for every preset but best, which trains on all 60,000 images).</summary>
    public float? ValidationFraction { get; init; }
    public int? LimitTrain { get; init; }
    public int? LimitTest { get; init; }
    public string? DataDir { get; init; }
    public string OutputDirectory { get; init; } = "artifacts";
    public bool Resume { get; init; }
    /// <summary>Fine-tuning: a trained run's checkpoint or model.onnx to start from (<see cref="Trainer.InitialWeights"/>).</summary>
    public string? InitFrom { get; init; }
    /// <summary>With <see cref="InitFrom"/>: epochs during which the layers before the first Dense keep the loaded weights.</summary>
    public int FreezeEpochs { get; init; }

    /// <summary>--epochs, else the preset's or the model spec's "training" epochs (for "epoch 3/10" in the progress).</summary>
    public int EpochsToRun() => Epochs ?? ModelSource.Create(ModelSpec is null ? Preset : null, ModelSpec).Defaults.Epochs;

    /// <summary>
    /// The estimator's options these settings give: the preset or spec and the values set here (null = the recipe's). A run
    /// adds what it decides itself: the hold-out, checkpoints, progress.
    /// </summary>
    public FashionCnnTrainer.Options TrainerOptions(CancellationToken cancellation) => new()
    {
        Preset = Preset ?? PresetKind.Fast, ModelSpecPath = ModelSpec, Epoch = Epochs, BatchSize = BatchSize,
        LearningRate = LearningRate, Optimizer = Optimizer, Seed = Seed, Threads = Threads, CancellationToken = cancellation,
    };

    /// <summary>
    /// The trainer's progress, passed on to <paramref name="progress"/>; before the first report, a line when a small data set
    /// trains for more epochs than the preset's (<see cref="TrainingLength"/>), so the longer run is not a surprise. One callback
    /// serves every fold of a cross-validation and says it once.
    /// </summary>
    public Action<FashionCnnMetrics> ProgressCallback(ITrainingProgress progress)
    {
        int presetEpochs = EpochsToRun();
        bool first = true;
        return m =>
        {
            if (first && m.Epochs > presetEpochs && Epochs is null)
                progress.Stage($"{m.Epochs} epochs instead of the preset's {presetEpochs}: an epoch here is {m.BatchesPerEpoch} " +
                    $"step{(m.BatchesPerEpoch == 1 ? "" : "s")}, and a small data set trains for at least " +
                    $"{TrainingLength.MinimumSteps} steps (--epochs N sets the epochs)");
            first = false;
            progress.Metrics(m, m.Epochs);
        };
    }

    /// <summary>Contradictory or impossible values, named as the CLI spells them.</summary>
    public void Validate()
    {
        if (Epochs is <= 0) throw new ArgumentException($"--epochs: expected at least 1, received {Epochs}");
        if (BatchSize is <= 0) throw new ArgumentException($"--batch-size: expected at least 1, received {BatchSize}");
        if (LearningRate is not null && !(LearningRate > 0 && float.IsFinite(LearningRate.Value)))
            throw new ArgumentException($"--lr: expected a positive number, received {LearningRate}");
        if (Threads is <= 0) throw new ArgumentException($"--threads: expected at least 1, received {Threads}");
        if (ValidationFraction is float fraction && !(fraction >= 0 && fraction < 1))
            throw new ArgumentException($"--validation-fraction: expected a value in [0, 1), received {ValidationFraction}");
        if (LimitTrain is <= 0) throw new ArgumentException($"--limit-train: expected at least 1, received {LimitTrain}");
        if (LimitTest is <= 0) throw new ArgumentException($"--limit-test: expected at least 1, received {LimitTest}");
        if (Preset is not null && ModelSpec is not null)
            throw new ArgumentException("--preset and --model-spec: expected one of them, received both");
        if (ModelSpec is not null) Engine.Models.ModelSpec.Load(ModelSpec);
        if (FreezeEpochs < 0) throw new ArgumentException($"--freeze-epochs: expected 0 or more, received {FreezeEpochs}");
        if (FreezeEpochs > 0 && InitFrom is null)
            throw new ArgumentException("--freeze-epochs: expected --init-from too (it freezes loaded weights)");
        if (InitFrom is not null) Trainer.InitialWeights.Check(InitFrom);
    }
}
