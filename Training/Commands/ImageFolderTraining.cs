using Microsoft.ML;
using MlNetFashion.Pipeline;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Evaluation;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Pipeline.Trainer;
using MlNetFashion.Scoring.Data;
using MlNetFashion.Training.Terminal;

namespace MlNetFashion.Training.Commands;

/// <summary>train --images DIR: the folder read and split by the scoring library, then the usual training run.</summary>
internal static class ImageFolderTraining
{
    public static int Run(TrainingRunOptions options, string images, string? testImages, float? testFraction, BadImagePolicy onBadImage)
    {
        if (options.DataDir is not null) throw new ArgumentException("--images and --data-dir: expected one of them, received both");
        if (options.LimitTrain is not null || options.LimitTest is not null)
            throw new ArgumentException($"{(options.LimitTrain is not null ? "--limit-train" : "--limit-test")}: takes the first images " +
                "of Fashion-MNIST's files; with --images, use a smaller folder or --test-fraction");
        options.Validate();   // a bad option should not cost reading every image
        ImageFolderSplit.Result loaded = ImageFolderSplit.Load(images, testImages, testFraction, onBadImage, options.Seed);
        var skipped = loaded.Train.Skipped.Concat(loaded.Test?.Skipped ?? []).ToList();
        foreach (SkippedImage s in skipped) Console.Error.WriteLine($"skipped {s.Path}: {s.Reason}");
        if (skipped.Count > 0) Console.Error.WriteLine($"skipped {skipped.Count} file(s) that are not usable images (--on-bad-image skip)");
        foreach (string warning in loaded.Warnings) Console.Error.WriteLine($"warning: {warning}");
        return TrainCommand.Run(options, (progress, token) => TrainingRun.Execute(options, loaded.Data, progress, token));
    }

    /// <summary>
    /// evaluate --images DIR: every image of the folder scored by the model, whose classes the folder's subfolders must
    /// be among (a test folder of the classes it was trained on).
    /// </summary>
    public static int Evaluate(string modelPath, string images, BadImagePolicy onBadImage, string? dataDir, int? limitTest)
    {
        if (dataDir is not null) throw new ArgumentException("--images and --data-dir: expected one of them, received both");
        if (limitTest is not null) throw new ArgumentException("--limit-test: takes the first images of Fashion-MNIST's test file; " +
            "with --images, use a smaller folder");
        var ml = new MLContext(seed: 1);
        ITransformer transformer = ModelFile.LoadForPixels(ml, modelPath);
        IReadOnlyList<string> classes = ClassesOf(transformer);
        ImageFolder folder = ImageFolder.Load(images, onBadImage, classes);
        foreach (SkippedImage s in folder.Skipped) Console.Error.WriteLine($"skipped {s.Path}: {s.Reason}");
        var test = new FashionMnistDataView(folder.ToSplit(), classNames: classes);
        var metrics = ml.MulticlassClassification.Evaluate(transformer.Transform(test));
        ReportTables.Print(ClassificationReport.From(metrics, classes), folder.Images.Count, images);
        return 0;
    }

    /// <summary>
    /// evaluate without --images scores Fashion-MNIST's test set: a model of other classes is named, with the way to
    /// evaluate it, rather than failing inside ML.NET's evaluator.
    /// </summary>
    public static void RequireFashionMnistClasses(ITransformer model, string modelPath)
    {
        IReadOnlyList<string> classes = ClassesOf(model);
        if (!classes.SequenceEqual(FashionMnistClasses.Names))
            throw new InvalidDataException($"{modelPath}: the model's classes are {string.Join(", ", classes.Select(c => $"\"{c}\""))}, " +
                "not Fashion-MNIST's; evaluate it on a folder of its classes with --images DIR");
    }

    /// <summary>The loaded model's classes: its PredictedLabel key values, in score order.</summary>
    private static IReadOnlyList<string> ClassesOf(ITransformer model)
    {
        var blank = new FashionMnistDataView(new FashionMnistSplit(new byte[FashionMnistSplit.ImageSize], [0]));
        return LabelNames.Of(model.Transform(blank), "PredictedLabel");
    }

    /// <summary>The folder options without --images have nothing to act on: refused rather than ignored.</summary>
    public static void RefuseWithoutImages(string? testImages, float? testFraction, BadImagePolicy? onBadImage)
    {
        if (onBadImage is not null) throw new ArgumentException("--on-bad-image: expected --images too (the folder it applies to)");
        if (testImages is not null) throw new ArgumentException("--test-images: expected --images too (the training folder)");
        if (testFraction is not null) throw new ArgumentException("--test-fraction: expected --images too (the folder to split)");
    }
}
