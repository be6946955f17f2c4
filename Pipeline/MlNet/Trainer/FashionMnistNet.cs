using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>
/// A preset's or spec's net as Fashion-MNIST needs it: one 28×28 plane in, ten class scores out. The trainer and the
/// summary command both check here, so summary refuses what train would.
/// </summary>
public static class FashionMnistNet
{
    /// <summary>
    /// The net with its name and recipe. One that takes other than one 28×28 plane is named here rather than failing in
    /// the feature reader.
    /// </summary>
    public static (string Name, Sequential Model, EngineTrainerOptions Defaults) Create(string? preset, string? modelSpecPath)
    {
        var created = ModelSource.Create(preset, modelSpecPath);
        if (!created.Model.InputShape.Equals(Presets.Input))
            throw new ArgumentException($"{Source(created.Name, modelSpecPath)}: the model takes input {created.Model.InputShape}; Fashion-MNIST images are {Presets.Input} (\"input\": [1, 28, 28])");
        return created;
    }

    /// <summary>On a built net (output shapes are known only then): one that ends anywhere but in ten class scores is named here rather than failing in the loss.</summary>
    public static void CheckOutput(Sequential model, string name, string? modelSpecPath)
    {
        if (model.OutputShape.Rank != 1 || model.OutputShape.Size != FashionMnistClasses.Count)
            throw new ArgumentException($"{Source(name, modelSpecPath)}: the model ends in {model.OutputShape}; expected {FashionMnistClasses.Count} values, one per class (end the layers with Flatten or GlobalAvgPool, then Dense with {FashionMnistClasses.Count} units)");
    }

    private static string Source(string name, string? modelSpecPath) => modelSpecPath is not null ? Path.GetFileName(modelSpecPath) : $"preset {name}";
}
