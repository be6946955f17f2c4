using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetFashion.Engine.Models;
using MlNetFashion.Pipeline.Reporting;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Scoring.Data;
using MlNetFashion.Tests.Shared;
using PixelInput = MlNetFashion.Scoring.Classification.FashionClassifier.PixelInput;

namespace MlNetFashion.Scoring.Tests;

/// <summary>
/// A model of classes of the user's own, non-ASCII names included, trained once per test run the way train --images
/// does: a tiny generated folder (bars and rings), a stratified hold-out, a small preset.
/// </summary>
public sealed class OwnClassesModel
{
    /// <summary>Three classes, the fast preset. Folder order (ordinal by name): "Schuhe-ä", "Stiefel", "靴".</summary>
    public static OwnClassesModel Three { get; } = new(["靴", "Schuhe-ä", "Stiefel"], ["Schuhe-ä", "Stiefel", "靴"],
        preset: PresetKind.Fast, epochs: 8, batchSize: 16, perClass: 24, seed: 3);

    /// <summary>The fewest a user can train on: two classes, two-conv. Ordinal order: 'S' (U+0053) before 'サ' (U+30B5).</summary>
    public static OwnClassesModel Two { get; } = new(["サンダル", "Stiefel-ö"], ["Stiefel-ö", "サンダル"],
        preset: PresetKind.TwoConv, epochs: 6, batchSize: 8, perClass: 20, seed: 5);

    private readonly Lazy<(string Directory, string Images, TrainingRunSummary Summary)> _run;

    private OwnClassesModel(string[] labels, string[] classes, PresetKind preset, int epochs, int batchSize, int perClass, int seed)
    {
        Labels = labels;
        Classes = classes;
        _run = new(() => Train(labels, preset, epochs, batchSize, perClass, seed));
    }

    /// <summary>The folder names, as the generated folder has them.</summary>
    public string[] Labels { get; }

    /// <summary>The model's class order: the folder names, ordinal.</summary>
    public string[] Classes { get; }

    public string Directory => _run.Value.Directory;
    public string Images => _run.Value.Images;
    public TrainingRunSummary Summary => _run.Value.Summary;
    public string Onnx => Path.Combine(Directory, "model.onnx");
    public string Zip => Path.Combine(Directory, "model.zip");

    /// <summary>One image of the class <paramref name="label"/> (the last by name).</summary>
    public string ImageOf(string label) =>
        System.IO.Directory.EnumerateFiles(Path.Combine(Images, label)).Order(StringComparer.Ordinal).Last();

    /// <summary>model.zip through ML.NET's prediction engine: the scores, the predicted key and the keys' names.</summary>
    public (float[] Score, uint PredictedLabel, string[] Keys) PredictWithMlNet(byte[] pixels)
    {
        var ml = new MLContext(seed: 1);
        var engine = ml.Model.CreatePredictionEngine<PixelInput, ScoreOutput>(ml.Model.Load(Zip, out _));
        ScoreOutput output = engine.Predict(new PixelInput { Pixels = pixels });
        VBuffer<ReadOnlyMemory<char>> keys = default;
        engine.OutputSchema["PredictedLabel"].GetKeyValues(ref keys);
        return (output.Score, output.PredictedLabel, [.. keys.DenseValues().Select(k => k.ToString())]);
    }

    private static (string, string, TrainingRunSummary) Train(string[] labels, PresetKind preset, int epochs, int batchSize,
        int perClass, int seed)
    {
        string root = ScratchDirectory.Create($"scoring-tests-{labels.Length}-own-classes-");
        string images = ImageTree.Create(Path.Combine(root, "images"), labels, perClass, seed);
        string output = Path.Combine(root, "model");
        var data = ImageFolderSplit.Load(images, null, 0.25f, BadImagePolicy.Fail, seed: 1).Data;
        var summary = TrainingRun.Execute(new TrainingRunOptions
        {
            Preset = preset, Epochs = epochs, BatchSize = batchSize, OutputDirectory = output, ValidationFraction = 0,
        }, data, new SilentProgress(), CancellationToken.None);
        return (output, images, summary);
    }

    private sealed class ScoreOutput
    {
        public uint PredictedLabel { get; set; }
        public float[] Score { get; set; } = [];
    }
}
