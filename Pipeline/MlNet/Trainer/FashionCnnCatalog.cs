using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetFashion.Engine.Models;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>
/// <c>mlContext.MulticlassClassification.Trainers.FashionCnn(...)</c>, in ML.NET's two usual forms: simple arguments,
/// or an Options object.
/// </summary>
public static class FashionCnnCatalog
{
    public static FashionCnnTrainer FashionCnn(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", PresetKind preset = PresetKind.Fast,
            int? epoch = null, int? batchSize = null)
        => FashionCnn(catalog, new FashionCnnTrainer.Options
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, Preset = preset, Epoch = epoch, BatchSize = batchSize,
        });

    public static FashionCnnTrainer FashionCnn(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        FashionCnnTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new FashionCnnTrainer(EnvironmentOf(catalog), options);
    }

    /// <summary>
    /// The catalog's host environment, the one MLContext.Log listens to. ML.NET offers a trainer outside its own
    /// assemblies no public way to it: TrainCatalogBase keeps it in a private protected property and hands it out only
    /// through the internal IInternalCatalog interface, which the trainer catalogs implement explicitly. So it is read by
    /// reflection; should an ML.NET release move it, training still works and logs nowhere (FashionCnnCatalogTests fail).
    /// </summary>
    internal static IHostEnvironment? EnvironmentOf(MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog)
    {
        var property = catalog.GetType().GetInterfaces().FirstOrDefault(i => i.Name == "IInternalCatalog")?.GetProperty("Environment");
        return property?.GetValue(catalog) as IHostEnvironment;
    }
}
