using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Calibration;
using MlNetFashion.Engine.Checkpoints;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Engine.Training;
using MlNetFashion.Pipeline.Data;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>
/// The CNN trainer as an ML.NET estimator. Fit reads Label (key) and Features (784 floats = pixels / 255), trains
/// the engine model, exports it to ONNX and returns built-in transformers (ONNX scoring → Score, PredictedLabel), so
/// the result works in Append chains, Evaluate, CrossValidate and Model.Save/Load like any ML.NET model.
/// </summary>
public sealed partial class FashionCnnTrainer : IEstimator<FashionCnnPredictionTransformer>
{
    // Transformers are built in a private context: ML.NET hands catalogs an environment, not the MLContext.
    private readonly MLContext _mlContext = new();
    private readonly IHostEnvironment? _environment;
    private readonly Options _options;

    /// <summary>Prefer <c>mlContext.MulticlassClassification.Trainers.FashionCnn(options)</c>.</summary>
    public FashionCnnTrainer(IHostEnvironment? environment, Options options)
    {
        _environment = environment;
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>Trains on <paramref name="input"/>; the transformer's Model holds the engine model, ONNX bytes and history.</summary>
    public FashionCnnPredictionTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (name, model, defaults) = FashionMnistNet.Create(_options.ModelSpecPath is null ? _options.Preset : null,
            _options.ModelSpecPath);
        // Fine-tuning moves trained weights: a tenth of the preset's rate unless one is given.
        if (_options.InitFrom is not null) defaults = defaults with { LearningRate = defaults.LearningRate / 10 };
        EngineTrainerOptions engineOptions = Merge(defaults);
        engineOptions.Validate();   // before reading the data: a bad option should not cost a pass over it
        engineOptions.Augmentation.CheckFits(model.InputShape);
        if (_options.FreezeEpochs < 0) throw new ArgumentException($"FreezeEpochs: expected 0 or more, received {_options.FreezeEpochs}");
        if (_options.FreezeEpochs > 0 && _options.InitFrom is null)
            throw new ArgumentException(
                "FreezeEpochs: expected InitFrom too (frozen layers keep trained weights; fresh ones would stay random)");
        if (_options.InitFrom is not null) InitialWeights.Check(_options.InitFrom);
        LabeledImages all = FeatureReader.Read(input, _options.LabelColumnName, _options.FeatureColumnName, model.InputShape);
        int classes = FeatureReader.ClassCount(input, _options.LabelColumnName);
        // Fine-tuning replaces whatever head the net had; otherwise only the Fashion-MNIST one adapts to the data.
        model = _options.InitFrom is null ? FashionMnistNet.WithClasses(model, classes) : FashionMnistNet.WithHead(model, classes);
        float fraction = engineOptions.ValidationFraction;
        (LabeledImages train, LabeledImages? validation) = SplitValidation(input, all, model, fraction);
        // A batch larger than the training set is the whole set in one step (as in Keras): allocate no more than that.
        engineOptions = engineOptions with { BatchSize = Math.Min(engineOptions.BatchSize, Math.Max(1, train.Count)) };
        // Fine-tuning starts from trained features: its epochs stand (docs/results.md: no gain from more steps).
        if (_options.Epoch is null && _options.ModelSpecPath is null && _options.InitFrom is null && train.Count > 0)
            engineOptions = engineOptions with
            {
                Epochs = TrainingLength.Epochs(engineOptions.Epochs, train.Count, engineOptions.BatchSize),
            };

        var trainer = new EngineTrainer(model, engineOptions);
        FashionMnistNet.CheckOutput(model, name, _options.ModelSpecPath, classes);
        if (_options.InitFrom is not null)
        {
            InitialWeights.Load(_options.InitFrom, model);
            if (_options.FreezeEpochs > 0) trainer.AddCallback(new FrozenLayers(model, _options.FreezeEpochs));
        }
        trainer.AddCallback(new ProgressReporter(_environment, _options.MetricsCallback, engineOptions.Epochs));
        string? checkpoints = _options.CheckpointDirectory
            ?? (_options.WorkspacePath is null ? null : Path.Combine(_options.WorkspacePath, "checkpoints"));
        string convolution = ConvolutionAlgorithm.Name(ConvolutionAlgorithm.Resolve(engineOptions.Convolution));
        var settings = new ResumeSettings(name, engineOptions.Epochs, engineOptions.BatchSize, engineOptions.Optimizer,
            engineOptions.LearningRate, engineOptions.Seed, fraction, train.Count, convolution, engineOptions.EarlyStopping.Metric,
            engineOptions.WeightAveraging.Kind, engineOptions.WeightAveraging.IsOn ? engineOptions.WeightAveraging.Decay : null);
        string optionsJson = settings.ToJson();
        int resumedFrom = 0;
        if (checkpoints is not null)
        {
            string last = Path.Combine(checkpoints, CheckpointWriter.LastFile);
            if (_options.Resume && File.Exists(last))
                resumedFrom = CheckpointFile.Restore(last, trainer,
                    header => ResumeSettings.Check(last, header, settings, model)).Epoch;
            trainer.AddCallback(new CheckpointWriter(trainer, checkpoints, optionsJson));
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        TrainingResult fitted;
        try
        {
            fitted = trainer.Fit(train, validation, _options.CancellationToken);
        }
        catch (OperationCanceledException) when (checkpoints is not null && trainer.State.Interrupted is not null)
        {
            // Ctrl+C: keep the exact position (mid-epoch) so --resume continues as if nothing happened.
            CheckpointFile.Save(Path.Combine(checkpoints, CheckpointWriter.LastFile), trainer, optionsJson);
            throw;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        RestoreBestAfterResume(trainer.Model, fitted, checkpoints, resumedFrom, engineOptions);

        TestTimeViews? views = engineOptions.TestTimeAugmentation ? TestTimeViews.For(engineOptions.Augmentation) : null;
        IReadOnlyList<string> classNames = LabelNames.Of(input, _options.LabelColumnName);
        // On the held-out split, after training: calibrated probabilities and the in-distribution threshold go into the graph.
        ModelCalibration calibration = ModelCalibration.Fit(model, validation, views, train);
        byte[] onnx = OnnxExporter.Export(model, FashionMnistOnnx.For(classNames) with
        {
            ClassNames = classNames,
            NetName = name,
            TrainingDate = DateTimeOffset.UtcNow,
            TestTimeViews = views,
            Temperature = calibration.Temperature,
            InDistribution = calibration.InDistribution,
            FeatureDistance = calibration.Features,
        });
        ITransformer chain = ScoringChain.Create(_mlContext, onnx, input, _options.FeatureColumnName, _options.ScoreColumnName,
            _options.PredictedLabelColumnName, classNames: classNames);
        var result = new FashionCnnTrainingResult(name, model, onnx, fitted.History, fitted.BestEpoch, seconds, train.Count,
            fitted.StopReason, resumedFrom, fraction, views)
        {
            Convolution = ConvolutionAlgorithm.Resolve(engineOptions.Convolution),
            ClassNames = classNames,
            Calibration = calibration,
        };
        return new FashionCnnPredictionTransformer(chain, result);
    }

    /// <summary>
    /// Built by asking the same built-in chain (SchemaShape columns cannot be constructed outside ML.NET). A SchemaShape
    /// carries no vector sizes or key counts (Score is a vector of Single, PredictedLabel a UInt32 key, whatever the
    /// class count), so the probe's class count does not show; the label column is checked as Fit will need it.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        CheckLabel(inputSchema, _options.LabelColumnName);
        var probe = new Sequential(Presets.Input)
            .Add(new Engine.Layers.Core.Flatten())
            .Add(new Engine.Layers.Core.Dense(FashionMnistClasses.Count));
        probe.Build(1, new Engine.Tensors.EngineRandom(0));
        return ScoringChain.CreateEstimator(_mlContext, OnnxExporter.Export(probe), _options.FeatureColumnName, _options.ScoreColumnName,
            _options.PredictedLabelColumnName)
            .GetOutputSchema(inputSchema);
    }

    /// <summary>The label column must be a scalar key (its count is the class count); ML.NET's trainers check the same.</summary>
    private static void CheckLabel(SchemaShape inputSchema, string labelColumn)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        if (!inputSchema.Any(c => c.Name == labelColumn))
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"label column '{labelColumn}' not found");
        SchemaShape.Column label = inputSchema.Last(c => c.Name == labelColumn);
        bool scalar = label.Kind == SchemaShape.Column.VectorKind.Scalar;
        if (!scalar || !label.IsKey)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"label column '{labelColumn}': expected a key (MapValueToKey), found {(scalar ? "" : "a vector of ")}{label.ItemType}");
    }

    private EngineTrainerOptions Merge(EngineTrainerOptions d) => d with
    {
        Epochs = _options.Epoch ?? d.Epochs,
        BatchSize = _options.BatchSize ?? d.BatchSize,
        LearningRate = _options.LearningRate ?? d.LearningRate,
        Optimizer = _options.Optimizer ?? d.Optimizer,
        Schedule = _options.Schedule ?? d.Schedule,
        WeightDecay = _options.WeightDecay ?? d.WeightDecay,
        LabelSmoothing = _options.LabelSmoothing ?? d.LabelSmoothing,
        WeightAveraging = _options.WeightAveraging ?? d.WeightAveraging,
        Augmentation = _options.Augmentation ?? d.Augmentation,
        TestTimeAugmentation = _options.TestTimeAugmentation ?? d.TestTimeAugmentation,
        EarlyStopping = _options.EarlyStoppingCriteria ?? d.EarlyStopping,
        ReduceOnPlateauPatience = _options.ReduceLearningRateOnPlateauPatience ?? d.ReduceOnPlateauPatience,
        Seed = _options.Seed,
        Threads = _options.Threads ?? d.Threads,
        ValidationFraction = _options.ValidationSet is null ? _options.ValidationSetFraction ?? d.ValidationFraction : 0,
    };

    private (LabeledImages Train, LabeledImages? Validation) SplitValidation(IDataView input, LabeledImages all, Sequential model,
        float fraction)
    {
        if (_options.ValidationSet is not null)
        {
            LabeledImages validation = FeatureReader.Read(_options.ValidationSet, _options.LabelColumnName, _options.FeatureColumnName,
                model.InputShape, "validation set");
            CheckSameClasses(input, _options.ValidationSet, _options.LabelColumnName);
            return (all, validation);
        }
        if (fraction == 0) return (all, null);
        var (train, holdout) = StratifiedSplit.Split(all.Labels, fraction, _options.Seed);
        return holdout.Length == 0 ? (all, null) : (FeatureReader.Subset(all, train), FeatureReader.Subset(all, holdout));
    }

    /// <summary>
    /// The validation set's label key must number the training data's classes as it does: a MapValueToKey fitted on each
    /// set alone numbers them by first appearance in it, and validation would compare key numbers of different classes.
    /// </summary>
    private static void CheckSameClasses(IDataView training, IDataView validation, string labelColumn)
    {
        IReadOnlyList<string> expected = LabelNames.Of(training, labelColumn), received = LabelNames.Of(validation, labelColumn);
        if (expected.SequenceEqual(received, StringComparer.Ordinal)) return;
        static string List(IReadOnlyList<string> names) =>
            string.Join(", ", names.Take(5).Select(n => $"'{n}'")) + (names.Count > 5 ? ", …" : "");
        throw new ArgumentException(
            $"validation set: {labelColumn}: expected the training data's {expected.Count} classes in its key order ({List(expected)}), " +
            $"received {received.Count} ({List(received)}): key both with the MapValueToKey fitted on the training data");
    }

    /// <summary>
    /// The in-memory best snapshot does not survive a restart; after a resume the best checkpoint file holds it (its weight
    /// average when the run averages: that is what validation ranked).
    /// </summary>
    private static void RestoreBestAfterResume(Sequential model, TrainingResult fitted, string? checkpoints, int resumedFrom,
        EngineTrainerOptions options)
    {
        if (checkpoints is null || resumedFrom == 0 || !options.RestoreBestWeights) return;
        if (fitted.BestEpoch > resumedFrom || fitted.BestEpoch == fitted.CompletedEpochs) return;
        string best = Path.Combine(checkpoints, CheckpointWriter.BestFile);
        if (!File.Exists(best)) return;
        var saved = CheckpointFile.Read(best);
        WeightsSnapshot.FromValues(saved.Average ?? saved.Weights).Restore(model);
    }
}

/// <summary>The engine-side outcome of a Fit.</summary>
/// <param name="NetName">The preset's name, or the model spec file's name without its extension (what outputs call the preset).</param>
public sealed record FashionCnnTrainingResult(string NetName, Sequential Model, byte[] OnnxModel, IReadOnlyList<EpochMetrics> History,
    int BestEpoch, double TrainSeconds, int TrainImages, string? StopReason, int ResumedFromEpoch, float ValidationFraction,
    TestTimeViews? TestTimeViews = null)
{
    /// <summary>What the model's outputs stand for, in output order (the label's key values).</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = FashionMnistClasses.Names;

    /// <summary>The convolution kernels the model was built with (they decide its rounding, so its exact weights).</summary>
    public Engine.Kernels.ConvolutionAlgorithm.Choice Convolution { get; init; }

    /// <summary>The temperature and in-distribution rule fitted on the held-out split (T = 1 and no rule without one).</summary>
    public ModelCalibration Calibration { get; init; } = ModelCalibration.None("not calibrated");
}
