using Microsoft.ML;
using MlNetFashion.Engine.Models;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Trainer;
using MlNetFashion.Pipeline.Transforms;

namespace MlNetFashion.Scoring.Tests;

/// <summary>
/// A model trained through the ML.NET API on a label the user keyed from class names: MapValueToKey numbers the classes
/// as they first appear (Ankle boot, T-shirt/top, …), so output k is not Fashion-MNIST's class k. Saved both ways
/// (model.zip, and the ONNX model the trainer exported, with those names in its class_names metadata).
/// </summary>
public static class ReorderedModel
{
    private static readonly Lazy<string> LazyDirectory = new(Train);

    public static string Zip => Path.Combine(LazyDirectory.Value, "model.zip");
    public static string Onnx => Path.Combine(LazyDirectory.Value, "model.onnx");

    private static string Train()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = new FashionMnistDataView(FashionMnist.LoadSplit(DataLocator.Locate(null), "train").Take(3000));
        var relabel = ml.Transforms.Conversion.MapKeyToValue("ClassName", "Label")
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", "ClassName"));
        IDataView train = relabel.Fit(data).Transform(data);
        var trainer = ml.MulticlassClassification.Trainers.FashionCnn(new FashionCnnTrainer.Options
        {
            Preset = PresetKind.TwoConv, Epoch = 2, BatchSize = 32, Seed = 3, ValidationSetFraction = 0,
        });
        var model = ml.Transforms.ScalePixels().Append(trainer).Fit(train);
        string dir = ScratchDirectory.Create("scoring-tests-reordered-");
        ml.Model.Save(model, train.Schema, Path.Combine(dir, "model.zip"));
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), model.LastTransformer.Model.OnnxModel);
        return dir;
    }
}
