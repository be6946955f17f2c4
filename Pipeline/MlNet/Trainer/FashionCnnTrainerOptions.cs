using Microsoft.ML;
using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Schedules;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>
/// Progress reported to <see cref="FashionCnnTrainer.Options.MetricsCallback"/> (per batch and per epoch). Epochs: how many
/// the run trains, <see cref="FashionCnnTrainer.Options.Epoch"/>, the model spec's, or the preset's raised on a small data
/// set (<see cref="TrainingLength"/>).
/// </summary>
public sealed record FashionCnnMetrics(int Epoch, int Batch, int BatchesPerEpoch, float Accuracy, float CrossEntropy,
    float LearningRate, float? ValidationAccuracy, float? ValidationCrossEntropy, double ImagesPerSecond, bool EpochEnd,
    int Epochs = 0);

public sealed partial class FashionCnnTrainer
{
    /// <summary>
    /// Settings of the trainer. Names follow ML.NET's ImageClassificationTrainer where the concept is the same;
    /// a null numeric setting means "the preset's value".
    /// </summary>
    public sealed class Options
    {
        public string LabelColumnName { get; set; } = "Label";
        public string FeatureColumnName { get; set; } = "Features";
        public string ScoreColumnName { get; set; } = "Score";
        public string PredictedLabelColumnName { get; set; } = "PredictedLabel";

        /// <summary>
        /// Architecture and default settings: Fast (default), Best, Article2x2Conv, McnnPaper, Article3Conv, KFoldTutorial,
        /// TwoConv (<see cref="Presets.All"/>; <see cref="Presets.Get(string)"/> reads a name such as "mcnn-paper" or "seed001").
        /// </summary>
        public PresetKind Preset { get; set; } = PresetKind.Fast;
        /// <summary>A JSON model definition file (docs/model-spec.md); overrides <see cref="Preset"/>.</summary>
        public string? ModelSpecPath { get; set; }

        /// <summary>Passes over the training data. Null: the model spec's, or the preset's (8 for Fast, 22 for Best), raised on a
        /// small data set to give <see cref="TrainingLength.MinimumSteps"/> optimizer steps unless <see cref="InitFrom"/> is set.
        /// </summary>
        public int? Epoch { get; set; }
        /// <summary>Images per optimizer step; a batch larger than the training data is the whole of it.</summary>
        public int? BatchSize { get; set; }
        /// <summary>The peak of a one-cycle or cosine schedule, the start of a step schedule (a tenth of the preset's with
        /// <see cref="InitFrom"/>).</summary>
        public float? LearningRate { get; set; }
        /// <summary>Adam, AdamW (decoupled weight decay) or SGD with momentum.</summary>
        public OptimizerKind? Optimizer { get; set; }
        /// <summary>The learning rate over the run: constant, step, cosine or one-cycle.</summary>
        public ScheduleKind? Schedule { get; set; }
        /// <summary>On kernels, not on biases or batch-norm parameters: decoupled for AdamW, L2 for Adam and SGD.</summary>
        public float? WeightDecay { get; set; }
        /// <summary>The share of each one-hot target spread over all classes (0.1 in Fast and Best).</summary>
        public float? LabelSmoothing { get; set; }
        /// <summary>
        /// Validate, calibrate and export an average of the weights, e.g. <c>new WeightAveraging(Decay: 0.999f)</c>
        /// (<see cref="Engine.Training.WeightAveraging"/>); null: the preset's.
        /// </summary>
        public WeightAveraging? WeightAveraging { get; set; }
        public AugmentationOptions? Augmentation { get; set; }
        /// <summary>Average the exported model's logits over the training augmentation's views (flips, one-pixel
        /// shifts; <see cref="TestTimeViews"/>); null: the preset's choice.</summary>
        public bool? TestTimeAugmentation { get; set; }
        /// <summary>
        /// As ImageClassificationTrainer's: e.g. <c>new EarlyStopping(Patience: 5, Metric: EarlyStoppingMetric.Loss)</c>;
        /// its metric also picks the epoch whose weights are kept. Null: the preset's.
        /// </summary>
        public EarlyStopping? EarlyStoppingCriteria { get; set; }
        public int? ReduceLearningRateOnPlateauPatience { get; set; }

        /// <summary>Called after every batch and every epoch. Without it progress goes to MLContext.Log.</summary>
        public Action<FashionCnnMetrics>? MetricsCallback { get; set; }
        /// <summary>
        /// Validation data; when null, <see cref="ValidationSetFraction"/> of the training data (stratified) is held out.
        /// </summary>
        public IDataView? ValidationSet { get; set; }
        /// <summary>0 trains on all of it; null: the preset's or model spec's (0.1 unless it says otherwise).</summary>
        public float? ValidationSetFraction { get; set; }

        /// <summary>Where checkpoints go when <see cref="CheckpointDirectory"/> is not set (null: none).</summary>
        public string? WorkspacePath { get; set; }
        public string? CheckpointDirectory { get; set; }
        /// <summary>Continue from CheckpointDirectory/last.ckpt when it exists.</summary>
        public bool Resume { get; set; }

        /// <summary>
        /// Fine-tuning: start from a trained run's weights (a checkpoint, or a model.onnx with its run's checkpoints beside
        /// it; <see cref="InitialWeights"/>) instead of a fresh initialization; the classifier head is replaced when the
        /// classes differ. The default learning rate is then a tenth of the preset's.
        /// </summary>
        public string? InitFrom { get; set; }
        /// <summary>With <see cref="InitFrom"/>: the layers before the first Dense stay as loaded for this many epochs.</summary>
        public int FreezeEpochs { get; set; }

        /// <summary>Seeds the initial weights, the shuffling, the held-out split and augmentation: with the same
        /// <see cref="Threads"/>, the same seed gives the same weights bit for bit.</summary>
        public ulong Seed { get; set; } = 1;
        /// <summary>Training threads (null: every core); the weights depend on it, as the sums are split by thread.</summary>
        public int? Threads { get; set; }
        /// <summary>Stops training between batches: <c>Fit</c> throws <see cref="OperationCanceledException"/>, and with
        /// checkpoints the run can be resumed from where it stopped.</summary>
        public CancellationToken CancellationToken { get; set; }
    }
}
