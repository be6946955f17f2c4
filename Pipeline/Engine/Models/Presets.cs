using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Initializers;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Schedules;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Models;

/// <summary>
/// Ours (fast, the default; best) and nets from published sources at their sources' settings, each named for its source
/// and net. Input is always (1, 28, 28) pixels / 255. Measured accuracies and timings are in docs/results.md.
/// </summary>
public static class Presets
{
    public static readonly Shape Input = new(1, 28, 28);

    /// <summary>The article and paper presets' sources trained with Keras' Adam: ε 1e-7 (the engine's is PyTorch's 1e-8).</summary>
    private const float KerasAdamEpsilon = Adam.KerasEpsilon;

    public static IReadOnlyList<Preset> All { get; } =
    [
        // The most accuracy that fits ten minutes of training on two cores: a small BN net, a high one-cycle peak, 8 epochs.
        new(PresetKind.Fast, "fast", "ours: VGG-style 32-64-64-128-128 with BN, batch 64, AdamW one-cycle peak 8e-3, label smoothing, "
            + "no augmentation, 8 epochs", Fast,
            new EngineTrainerOptions
            {
                Epochs = 8, BatchSize = 64, Optimizer = OptimizerKind.AdamW, LearningRate = 0.008f, WeightDecay = 0.05f,
                Schedule = ScheduleKind.OneCycle, WarmupFraction = 0.2f, LabelSmoothing = 0.1f,
            }),
        // The most accuracy that fits an hour: fast's net wider, trained 3× longer with the augmentation a run that long needs.
        new(PresetKind.Best, "best",
            "ours: the fast net 1.5× wider (48-96-96-192-192, ~98 MFLOP), ±1-px crops + mirror + erasing (p 0.5), "
            + "batch 64, AdamW one-cycle, 22 epochs on all 60,000 images, scored on 10 views", Best,
            new EngineTrainerOptions
            {
                Epochs = 22, BatchSize = 64, Optimizer = OptimizerKind.AdamW, LearningRate = 0.005f, WeightDecay = 0.05f,
                Schedule = ScheduleKind.OneCycle, WarmupFraction = 0.2f, LabelSmoothing = 0.1f,
                Augmentation = new AugmentationOptions(CropPadding: 1, HorizontalFlip: true, ErasingProbability: 0.5f),
                // The exported model averages the image, its mirror image and their one-pixel shifts (ten views): a little
                // accuracy for 10× the scoring work, which model-single-view.onnx lets a user decline.
                TestTimeAugmentation = true,
                // No hold-out: one-cycle runs end near their best validation epoch, so the images are worth more as training data.
                ValidationFraction = 0,
            }),
        // An article's two-conv net at its settings, as a baseline a reader of the article can check. The article trains on
        // the whole training set (no callbacks watch a hold-out), as its PyTorch oracle does.
        new(PresetKind.Article2x2Conv, "article-2x2conv",
            "article: 2×2 convs 32-64, Adam, batch 1000, 10 epochs on all 60,000 images", Article2x2Conv,
            KerasAdam(epochs: 10, batchSize: 1000) with { ValidationFraction = 0 }) { Alias = "seed000" },
        // The MCNN paper's net with its Keras callbacks, to compare our engine with a published CNN recipe.
        new(PresetKind.McnnPaper, "mcnn-paper",
            "paper MCNN: five conv-BN-pool-dropout blocks, Dense 512, Adam, early stopping on validation loss", McnnPaper,
            KerasAdam(epochs: 100, batchSize: 128) with
            {
                // The paper's Keras callbacks at their defaults: EarlyStopping and ReduceLROnPlateau both watch val_loss, so the
                // halved rate (after 3 stalled epochs) gets 2 epochs to find a new minimum before the stop (after 5).
                EarlyStopping = new(Patience: 5, Metric: EarlyStoppingMetric.Loss), ReduceOnPlateauPatience = 3,
                ReduceOnPlateauFactor = 0.5f,
            }) { Alias = "seed001" },
        // An article's three-conv net at its settings, a middle-sized baseline between the tutorial nets and ours. A 10-epoch
        // Keras fit with no callbacks: all 60,000 images, the last epoch's weights (no hold-out, no restore-best).
        new(PresetKind.Article3Conv, "article-3conv",
            "article: 3 convs, 2 pools, 2 dropouts, Dense 128, 10 epochs on all 60,000 images", Article3Conv,
            KerasAdam(epochs: 10, batchSize: 128) with { ValidationFraction = 0 }) { Alias = "seed002" },
        // The k-fold tutorial's baseline (one conv, Dense 100, plain SGD): the simplest recipe here, a floor for the others.
        new(PresetKind.KFoldTutorial, "kfold-tutorial",
            "k-fold tutorial baseline: conv 32 + Dense 100, SGD 0.01 momentum 0.9, batch 32, 10 epochs", KFoldTutorial,
            new EngineTrainerOptions
            {
                Epochs = 10, BatchSize = 32, Optimizer = OptimizerKind.Sgd, LearningRate = 0.01f, Momentum = 0.9f, Nesterov = false,
                WeightDecay = 0, Schedule = ScheduleKind.Constant,
            }) { Alias = "seed003" },
        // A small, quick net (two same-padded convs) that still learns the task well: for smoke tests and examples.
        new(PresetKind.TwoConv, "two-conv", "two 3×3 same convs 32-64 with pooling, Dense 128, Adam", TwoConv,
            new EngineTrainerOptions
            {
                Epochs = 10, BatchSize = 128, Optimizer = OptimizerKind.Adam, LearningRate = 0.001f, WeightDecay = 0,
                Schedule = ScheduleKind.Constant,
            }) { Alias = "seed004" },
    ];

    /// <summary>The preset called <paramref name="name"/> or by that alias, in any case: how a command line names one.</summary>
    public static Preset Get(string name) => All.FirstOrDefault(p => p.IsCalled(name))
        ?? throw new ArgumentException($"preset: expected one of {Names}. Received \"{name}\".");

    public static Preset Get(PresetKind kind) => All.FirstOrDefault(p => p.Kind == kind)
        ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, $"preset: expected one of {Names}");

    /// <summary>"fast, best, article-2x2conv (seed000), …": every preset with its alias, for help texts and errors.</summary>
    public static string Names => string.Join(", ", All.Select(p => p.Label));

    /// <summary>
    /// The article and paper presets' recipe as their sources ran it in Keras: Adam at Keras' defaults (rate 1e-3,
    /// ε 1e-7), no weight decay, a constant rate; each preset states what it adds (hold-out, callbacks).
    /// </summary>
    private static EngineTrainerOptions KerasAdam(int epochs, int batchSize) => new()
    {
        Epochs = epochs, BatchSize = batchSize, Optimizer = OptimizerKind.Adam, LearningRate = 0.001f, AdamEpsilon = KerasAdamEpsilon,
        WeightDecay = 0, Schedule = ScheduleKind.Constant,
    };

    private static ModelBuilder New() => new(Input);

    /// <summary>
    /// conv3×3-BN-ReLU at 32 (28²) → pool → two at 64 (14²) → pool → two at 128 (7²) → pool → global average →
    /// Dense(10): ~44 MFLOP per image, sized so that 8 epochs fit the default run's ten minutes on two cores.
    /// </summary>
    public static Sequential Fast() => Vgg(32, 64, 128);

    /// <summary>
    /// conv-BN-ReLU ×1 at <paramref name="a"/> (28²), ×2 at <paramref name="b"/> (14²), ×2 at <paramref name="c"/> (7²),
    /// pooling between.
    /// </summary>
    private static Sequential Vgg(int a, int b, int c)
    {
        var builder = New();
        void Block(int filters) =>
            builder.Conv2D(filters, 3, Padding.Same, useBias: false, initializer: Initializer.HeNormal).BatchNorm().ReLU();
        Block(a);
        builder.MaxPool2D(2, padding: Padding.Same);
        Block(b);
        Block(b);
        builder.MaxPool2D(2, padding: Padding.Same);
        Block(c);
        Block(c);
        builder.MaxPool2D(2, padding: Padding.Same);
        return builder.GlobalAvgPool().Dense(10).Build();
    }

    /// <summary>
    /// The fast net 1.5× wider: ~98 MFLOP per image, about 2.2× fast's cost, the widest that trains 22 epochs within the
    /// hour on two cores (a ResNet-18-style stack at 28² costs over 100 MFLOP per block).
    /// </summary>
    public static Sequential Best() => Vgg(48, 96, 192);

    /// <summary>conv2×2 32 → pool → conv2×2 64 → Dense(10), no hidden dense layer.</summary>
    public static Sequential Article2x2Conv() => New()
        .Conv2D(32, 2).ReLU().MaxPool2D(2)
        .Conv2D(64, 2).ReLU()
        .Flatten().Dense(10).Build();

    /// <summary>
    /// The paper's Keras model, with Keras' batch-norm defaults (moving average 0.99, i.e. momentum 0.01; epsilon 1e-3).
    /// </summary>
    public static Sequential McnnPaper()
    {
        var b = New();
        foreach (int filters in new[] { 32, 32, 64, 64, 128 })
            b.Conv2D(filters, 3, Padding.Same).ReLU().BatchNorm(KerasMomentum, KerasEpsilon).MaxPool2D(2, 2, Padding.Same)
                .Dropout(0.25f);
        return b.Flatten().Dense(512).ReLU().BatchNorm(KerasMomentum, KerasEpsilon).Dense(10).Build();
    }

    private const float KerasMomentum = 0.01f, KerasEpsilon = 1e-3f;

    /// <summary>
    /// Conv32 → Conv64 → pool → dropout → Conv128 → pool → dropout → Dense128 → Dense10 (no pool after the first conv).
    /// </summary>
    public static Sequential Article3Conv() => New()
        .Conv2D(32, 3).ReLU()
        .Conv2D(64, 3).ReLU().MaxPool2D(2).Dropout(0.25f)
        .Conv2D(128, 3).ReLU().MaxPool2D(2).Dropout(0.25f)
        .Flatten().Dense(128).ReLU().Dense(10).Build();

    /// <summary>conv3×3 32 → pool → Dense(100) → Dense(10), He-uniform weights as the tutorial's.</summary>
    public static Sequential KFoldTutorial() => New()
        .Conv2D(32, 3, initializer: Initializer.HeUniform).ReLU().MaxPool2D(2)
        .Flatten().Dense(100, Initializer.HeUniform).ReLU().Dense(10).Build();

    /// <summary>conv3×3 32 → pool → conv3×3 64 → pool (same padding) → Dense(128) → Dense(10).</summary>
    public static Sequential TwoConv() => New()
        .Conv2D(32, 3, Padding.Same).ReLU().MaxPool2D(2)
        .Conv2D(64, 3, Padding.Same).ReLU().MaxPool2D(2)
        .Flatten().Dense(128).ReLU().Dense(10).Build();
}
