using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Engine.IO;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Engine.Training;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Evaluation;
using MlNetFashion.Pipeline.Reporting;
using MlNetFashion.Pipeline.Trainer;
using MlNetFashion.Pipeline.Transforms;

namespace MlNetFashion.Pipeline.Runs;

/// <summary>
/// The train verb as a library call: load and validate the data, fit ScalePixels → FashionCnn, evaluate on the
/// official test set, check the ONNX export against the engine, and write model.zip, model.onnx, metrics.json,
/// history.csv and report.html (+ PNGs) into the output folder. Nothing is written until training succeeded, and
/// every file is written atomically, so a crash or a diverged run never leaves a broken model behind.
/// </summary>
public static class TrainingRun
{
    public const double OnnxTolerance = 1e-4;

    /// <summary>How many test images (at most) the ONNX check scores with both the engine and ONNX Runtime.</summary>
    public const int OnnxCheckImages = 1000;

    /// <summary>Written beside model.onnx when that model averages test-time views: the same weights on the image alone.</summary>
    public const string SingleViewFile = "model-single-view.onnx";

    public static TrainingRunSummary Execute(TrainingRunOptions options, ITrainingProgress progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        options.Validate();
        OutputFolder.CheckWritable(options.OutputDirectory);
        var total = Stopwatch.StartNew();
        progress.Stage("loading Fashion-MNIST");
        FashionMnist data = FashionMnist.Load(options.DataDir);
        var images = new TrainingData(data.Train.Take(options.LimitTrain), data.Test.Take(options.LimitTest), FashionMnistClasses.Names,
            data.Directory)
        {
            OwnClasses = false,
        };
        return Execute(options, images, progress, cancellation, total);
    }

    /// <summary>The same run on images of any K classes (a folder of the user's own, prepared by the scoring library).</summary>
    public static TrainingRunSummary Execute(TrainingRunOptions options, TrainingData data, ITrainingProgress progress,
        CancellationToken cancellation) => Execute(options, data, progress, cancellation, Stopwatch.StartNew());

    private static TrainingRunSummary Execute(TrainingRunOptions options, TrainingData data, ITrainingProgress progress,
        CancellationToken cancellation, Stopwatch total)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(progress);
        options.Validate();
        data.Validate();
        OutputFolder.CheckWritable(options.OutputDirectory);
        FashionMnistSplit trainSplit = data.Train, testSplit = data.Test;
        IReadOnlyList<string> classNames = data.ClassNames;
        progress.Stage($"data: {trainSplit.Count:N0} training and {testSplit.Count:N0} test images from {data.Source}");

        string checkpoints = Path.Combine(options.OutputDirectory, "checkpoints");
        string lastCheckpoint = Path.Combine(checkpoints, CheckpointWriter.LastFile);
        if (options.Resume && !File.Exists(lastCheckpoint))
            progress.Stage($"--resume: no checkpoint at {lastCheckpoint}, nothing to resume; training from the first epoch");

        var ml = new MLContext(seed: (int)options.Seed);
        FashionCnnTrainer.Options trainerOptions = options.TrainerOptions(cancellation);
        trainerOptions.ValidationSetFraction = options.ValidationFraction;
        trainerOptions.CheckpointDirectory = checkpoints;
        trainerOptions.Resume = options.Resume;
        trainerOptions.InitFrom = options.InitFrom;
        trainerOptions.FreezeEpochs = options.FreezeEpochs;
        trainerOptions.MetricsCallback = options.ProgressCallback(progress);
        var trainer = ml.MulticlassClassification.Trainers.FashionCnn(trainerOptions);
        var pipeline = ml.Transforms.ScalePixels().Append(trainer);
        var trainView = new FashionMnistDataView(trainSplit, classNames: classNames);
        var model = pipeline.Fit(trainView);
        FashionCnnTrainingResult result = model.LastTransformer.Model;
        if (result.ResumedFromEpoch > 0 && result.ResumedFromEpoch >= result.History.Count)
            progress.Stage($"resumed after epoch {result.ResumedFromEpoch}: no epochs left to train (raise --epochs to train on); "
                + "evaluating the checkpoint's weights");

        void StopIfInterrupted(string stage)
        {
            // Checked between stages (the evaluation also between rows); nothing is written before the last check.
            if (cancellation.IsCancellationRequested)
                throw new InterruptedAfterTrainingException(result.History.Count, stage, cancellation);
        }

        StopIfInterrupted("finishing training");
        progress.Stage("evaluating on the test set");
        // The sample grid's, read while writing: not cancellable.
        IDataView scored = model.Transform(new FashionMnistDataView(testSplit, classNames: classNames));
        ClassificationReport report;
        float[] probabilities;
        try
        {
            // The view that stops between rows: the best preset scores ten views of each image here (about a minute). The
            // cache keeps the columns the evaluator read, so the calibration report bins the same scores without a second pass.
            var test = new FashionMnistDataView(testSplit, cancellation, classNames);
            IDataView evaluated = ml.Data.Cache(model.Transform(test));
            report = ClassificationReport.From(ml.MulticlassClassification.Evaluate(evaluated), classNames);
            probabilities = [.. evaluated.GetColumn<VBuffer<float>>("Score").SelectMany(row => row.DenseValues())];
        }
        catch (Exception e) when (cancellation.IsCancellationRequested && CancelledWithin(e))
        {
            // ML.NET's parallel cursors wrap the view's OperationCanceledException in an InvalidOperationException.
            throw new InterruptedAfterTrainingException(result.History.Count, "evaluating on the test set", cancellation);
        }
        OnnxExportOptions described = data.OwnClasses
            ? FashionMnistOnnx.OwnClassesExportOptions(classNames.Count) : FashionMnistOnnx.ExportOptions;
        OnnxExportOptions export = described with
        {
            ClassNames = classNames,
            NetName = result.NetName,
            TestAccuracy = report.Accuracy,
            TestImages = testSplit.Count,
            TrainingDate = DateTimeOffset.UtcNow,
            TestTimeViews = result.TestTimeViews,
            Temperature = result.Calibration.Temperature,
            InDistribution = result.Calibration.InDistribution,
            FeatureDistance = result.Calibration.Features,
        };
        (byte[] onnx, double onnxDiff) = CheckedExport(result.Model, export, testSplit, "model.onnx");
        if (result.Calibration.Note is { } note) progress.Stage($"calibration: {note}");
        CalibrationReport calibration = CalibrationReport.From(probabilities, [.. testSplit.Labels], result.Calibration);

        (byte[] Onnx, double Accuracy)? singleView = null;
        if (result.TestTimeViews is not null)
        {
            // The views cost ~10× in scoring: users who need the speed get the same weights on the image alone, with its
            // own accuracy in metrics.json to weigh the trade.
            double accuracy = EngineAccuracy.On(result.Model, testSplit);
            var single = export with { TestAccuracy = accuracy, TestTimeViews = null };
            singleView = (CheckedExport(result.Model, single, testSplit, SingleViewFile).Onnx, accuracy);
        }

        StopIfInterrupted("exporting to ONNX");
        // From here on the run finishes: the files take a second or two, and a half-written set would be worse.
        progress.Stage($"writing artifacts to {options.OutputDirectory}");
        // Training has finished and the checkpoints hold its weights: a file that cannot be written says how to export them.
        try
        {
            string outDir = options.OutputDirectory;
            OutputFolder.Create(outDir);
            AtomicFile.Write(Path.Combine(outDir, "model.zip"), s => ml.Model.Save(model, trainView.Schema, s));
            AtomicFile.WriteAllBytes(Path.Combine(outDir, "model.onnx"), onnx);
            if (singleView is { } sv) AtomicFile.WriteAllBytes(Path.Combine(outDir, SingleViewFile), sv.Onnx);
            var summary = new TrainingRunSummary(result.NetName, Settings(options, trainerOptions, result), result.History,
                result.BestEpoch, result.TrainSeconds, total.Elapsed.TotalSeconds,
                result.TrainImages * (double)result.History.Count(h => h.Epoch > result.ResumedFromEpoch)
                    / Math.Max(1e-9, result.TrainSeconds),
                report, onnxDiff, result.StopReason)
            {
                SingleViewAccuracy = singleView?.Accuracy, ResumedFromEpoch = result.ResumedFromEpoch,
                OnnxCheckedImages = Math.Min(OnnxCheckImages, testSplit.Count),
                Calibration = calibration,
            };
            AtomicFile.WriteAllText(Path.Combine(outDir, "history.csv"), HistoryCsv.Create(result.History));
            Plots.LearningCurves(result.History, Path.Combine(outDir, HtmlReport.LossPng), Path.Combine(outDir, HtmlReport.AccuracyPng));
            Plots.ConfusionMatrix(report.ConfusionMatrix, classNames, Path.Combine(outDir, HtmlReport.ConfusionPng));
            ImageGrid.Write(SampleCells(ml, scored, testSplit, classNames, 40), 10, Path.Combine(outDir, HtmlReport.SamplesPng));
            summary = summary with { TotalSeconds = total.Elapsed.TotalSeconds };
            AtomicFile.WriteAllText(Path.Combine(outDir, "report.html"), HtmlReport.Create(summary));
            AtomicFile.WriteAllText(Path.Combine(outDir, "metrics.json"), MetricsJson.Create(summary));
            return summary;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArtifactsNotWrittenException(result.History.Count, e);
        }
    }

    private static bool CancelledWithin(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is OperationCanceledException) return true;
        return false;
    }

    /// <summary>
    /// The model exported, and ONNX Runtime's largest |Δp| from the engine on the first <see cref="OnnxCheckImages"/> test
    /// images; past <see cref="OnnxTolerance"/> the run stops before anything is written.
    /// </summary>
    private static (byte[] Onnx, double Diff) CheckedExport(Engine.Models.Sequential model, OnnxExportOptions export,
        FashionMnistSplit test, string file)
    {
        byte[] onnx = OnnxExporter.Export(model, export);
        double diff = OnnxCheck.MaxAbsDifference(model, onnx, test, Math.Min(OnnxCheckImages, test.Count), export.TestTimeViews,
            export.Temperature);
        if (diff > OnnxTolerance)
            throw new InvalidOperationException(
                $"{file}: expected ONNX Runtime to match the engine within {OnnxTolerance:G1}, found a difference of {diff:G3}; "
                + "nothing was written");
        return (onnx, diff);
    }

    private static IReadOnlyDictionary<string, string> Settings(TrainingRunOptions options, FashionCnnTrainer.Options trainer,
        FashionCnnTrainingResult result) => new Dictionary<string, string>
        {
            ["preset"] = result.NetName,
            ["epochs (completed)"] = result.History.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["training images"] = result.TrainImages.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
            ["validation fraction"] = result.ValidationFraction.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["seed"] = options.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["threads"] = (options.Threads ?? Environment.ProcessorCount).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GEMM"] = Engine.Kernels.Gemm.Description,
            ["convolution"] = Engine.Kernels.ConvolutionAlgorithm.Name(result.Convolution),
            ["training seconds"] = result.TrainSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture),
            ["resumed from epoch"] = result.ResumedFromEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["model"] = options.ModelSpec ?? $"preset {result.NetName}",
            ["classes"] = string.Join(", ", result.ClassNames),
            ["initialized from"] = options.InitFrom is null
            ? "random"
            : $"{options.InitFrom} (convolutions frozen for {options.FreezeEpochs} epochs)",
            ["test-time augmentation"] = result.TestTimeViews?.ToString() ?? "none",
        };

    private static List<ImageGrid.Cell> SampleCells(MLContext ml, IDataView scored, FashionMnistSplit test,
        IReadOnlyList<string> classNames, int count)
    {
        var rows = ml.Data.CreateEnumerable<PredictionRow>(scored, reuseRowObject: false).Take(count).ToList();
        return [.. rows.Select((r, i) => new ImageGrid.Cell(test.Image(i).ToArray(), classNames[test.Labels[i]],
            classNames[(int)r.PredictedLabel - 1], r.Score.Max()))];
    }

    private sealed class PredictionRow
    {
        public uint PredictedLabel { get; set; }
        public float[] Score { get; set; } = [];
    }
}
