using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>
/// A preset's or spec's net as the images need it: one 28×28 plane in, one score per class out. The trainer and the
/// summary command both check here, so summary refuses what train would.
/// </summary>
public static class FashionMnistNet
{
    /// <summary>
    /// The net with its name and recipe. One that takes other than one 28×28 plane is named here rather than failing in
    /// the feature reader.
    /// </summary>
    public static (string Name, Sequential Model, EngineTrainerOptions Defaults) Create(PresetKind? preset, string? modelSpecPath)
    {
        var created = ModelSource.Create(preset, modelSpecPath);
        if (!created.Model.InputShape.Equals(Presets.Input))
            throw new ArgumentException($"{Source(created.Name, modelSpecPath)}: the model takes input {created.Model.InputShape}; " +
                $"Fashion-MNIST images are {Presets.Input} (\"input\": [1, 28, 28])");
        return created;
    }

    /// <summary>
    /// The unbuilt <paramref name="model"/> with its Fashion-MNIST head, a last Dense of 10 units (every preset's, and a
    /// spec written for Fashion-MNIST), giving <paramref name="classes"/> scores instead: a folder of images has its own
    /// class count. The same model when the count already fits, or when the last layer is anything else: a spec that
    /// chose another head is taken at its word and <see cref="CheckOutput"/> names a mismatch.
    /// </summary>
    public static Sequential WithClasses(Sequential model, int classes)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Layers.Count > 0 && model.Layers[^1] is Dense { Units: FashionMnistClasses.Count } ? WithHead(model, classes) : model;
    }

    /// <summary>
    /// The unbuilt <paramref name="model"/> with any last Dense giving <paramref name="classes"/> scores: fine-tuning
    /// moves a net trained on some classes to others (ten to two, three to five), so whatever head it had is replaced.
    /// The same model when the count already fits or the last layer is not a Dense (<see cref="CheckOutput"/> names that).
    /// </summary>
    public static Sequential WithHead(Sequential model, int classes)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.IsBuilt) throw new InvalidOperationException("FashionMnistNet.WithHead: expected an unbuilt model");
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "FashionMnistNet.WithHead: expected 1 or more");
        if (model.Layers.Count == 0 || model.Layers[^1] is not Dense head || classes == head.Units) return model;
        var result = new Sequential(model.InputShape);
        foreach (var layer in model.Layers.Take(model.Layers.Count - 1)) result.Add(layer);
        return result.Add(head.WithUnits(classes));
    }

    /// <summary>
    /// On a built net (output shapes are known only then): one that ends anywhere but in one score per class is named
    /// here rather than failing in the loss.
    /// </summary>
    public static void CheckOutput(Sequential model, string name, string? modelSpecPath, int classes = FashionMnistClasses.Count)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.OutputShape.Rank != 1 || model.OutputShape.Size != classes)
            throw new ArgumentException(
                $"{Source(name, modelSpecPath)}: the model ends in {model.OutputShape}; expected {classes} values, " +
                $"one per class (end the layers with Flatten or GlobalAvgPool, then Dense with {classes} units)");
    }

    private static string Source(string name, string? modelSpecPath) =>
        modelSpecPath ?? $"preset {name}";
}
