using Microsoft.ML;
using MlNetFashion.Engine.Models;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Reporting;
using MlNetFashion.Pipeline.Trainer;
using MlNetFashion.Pipeline.Transforms;

namespace MlNetFashion.Pipeline.Runs;

/// <summary>
/// K-fold cross-validation on the training set: stratified, seeded folds; a fresh model per fold trained on the
/// other folds and scored on its own; mean ± standard deviation and a box plot.
/// </summary>
public static class CrossValidationRun
{
    public sealed record Result(double[] FoldAccuracies, double Mean, double StandardDeviation);

    public static Result Execute(TrainingRunOptions options, int folds, ITrainingProgress progress, CancellationToken cancellation)
    {
        options.Validate();
        if (folds < 2) throw new ArgumentException($"--folds: expected at least 2, received {folds}");
        Engine.IO.OutputFolder.CheckWritable(options.OutputDirectory);
        FashionMnistSplit train = FashionMnist.LoadSplit(DataLocator.Locate(options.DataDir), "train").Take(options.LimitTrain);
        // Each fold is scored on its own images: with more folds than images some would score none (0 % accuracy).
        if (folds > train.Count)
            throw new ArgumentException($"--folds: expected at most {train.Count:N0} (one image per fold), received {folds:N0}");
        int[][] indices = StratifiedSplit.Folds([.. train.Labels.Select(l => (int)l)], folds, options.Seed);
        var accuracies = new double[folds];
        Action<FashionCnnMetrics> report = options.ProgressCallback(progress);
        for (int f = 0; f < folds; f++)
        {
            progress.Stage(
                $"fold {f + 1}/{folds}: training on {train.Count - indices[f].Length:N0} images, scoring {indices[f].Length:N0}");
            var ml = new MLContext(seed: (int)options.Seed);
            int[] rest = [.. Enumerable.Range(0, folds).Where(g => g != f).SelectMany(g => indices[g]).Order()];
            FashionCnnTrainer.Options trainerOptions = options.TrainerOptions(cancellation);
            trainerOptions.Seed = options.Seed + (ulong)f;
            // The fold's own images score it; a hold-out inside the rest only when asked for (early stopping, restore-best).
            trainerOptions.ValidationSetFraction = options.ValidationFraction ?? 0;
            trainerOptions.MetricsCallback = report;
            var trainer = ml.MulticlassClassification.Trainers.FashionCnn(trainerOptions);
            ITransformer model = ml.Transforms.ScalePixels().Append(trainer).Fit(new FashionMnistDataView(train.Select(rest)));
            IDataView scored = model.Transform(new FashionMnistDataView(train.Select(indices[f])));
            accuracies[f] = ml.MulticlassClassification.Evaluate(scored).MicroAccuracy;
            progress.Stage($"fold {f + 1}: accuracy {accuracies[f]:P2}");
        }
        double mean = accuracies.Average();
        double std = Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / Math.Max(1, folds - 1));
        Engine.IO.OutputFolder.Create(options.OutputDirectory);
        string name = options.ModelSpec is not null
            ? Path.GetFileNameWithoutExtension(options.ModelSpec)
            : Presets.Get(options.Preset ?? PresetKind.Fast).Name;
        Plots.BoxPlot($"{folds}-fold accuracy ({name})", [(name, accuracies)], Path.Combine(options.OutputDirectory, "cv-boxplot.png"));
        return new Result(accuracies, mean, std);
    }
}
