using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>
/// Turns ONNX bytes (our contract: input "input" [N,1,28,28], output "probabilities" [N,K]) into a chain of
/// built-in, saveable ML.NET transformers that adds Score (K probabilities) and PredictedLabel (a key with the class
/// names, like Label: the training label's key values, in its key order). This is the path that survives
/// Model.Save/Load (see mlnet-integration.md).
/// </summary>
public static class ScoringChain
{
    public const string InputColumn = "input", ProbabilitiesColumn = "probabilities";
    internal const string ScoreColumn = "__Score", LabelNameColumn = "__PredictedLabelName",
        TrainingNameColumn = "__PredictedLabelTrainingName", LabelIndexColumn = "__PredictedLabelIndex";

    public static IEstimator<ITransformer> CreateEstimator(MLContext mlContext, byte[] onnxModel, string featureColumn = "Features",
        string scoreColumn = "Score", string predictedLabelColumn = "PredictedLabel", int? gpuDeviceId = null,
        IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(onnxModel);
        classNames ??= FashionMnistClasses.Names;
        var names = mlContext.Data.LoadFromEnumerable(classNames.Select(n => new ClassName { Name = n }));
        var scored = mlContext.Transforms.CopyColumns(InputColumn, featureColumn)
            .Append(mlContext.Transforms.ApplyOnnxModel([ProbabilitiesColumn], [InputColumn], new MemoryStream(onnxModel), gpuDeviceId));
        if (classNames.Count != FashionMnistClasses.Count)
            return AnyClassCount(mlContext, scored, classNames, names, scoreColumn, predictedLabelColumn);
        var chain = scored
            .Append(mlContext.Transforms.CustomMapping<ProbabilitiesRow, ArgmaxRow>(ArgmaxMapping.Map, ArgmaxMapping.ContractName))
            .Append(mlContext.Transforms.CopyColumns(scoreColumn, ScoreColumn));
        if (classNames.SequenceEqual(FashionMnistClasses.Names))
            return chain.Append(mlContext.Transforms.Conversion.MapValueToKey(predictedLabelColumn, LabelNameColumn, keyData: names))
                .Append(mlContext.Transforms.DropColumns(InputColumn, ProbabilitiesColumn, ScoreColumn, LabelNameColumn));
        // Labels keyed in another order: the argmax names output k by Fashion-MNIST's class k (so models saved before
        // keep loading); rename it to the training label's k-th key value, the key PredictedLabel then carries.
        var rename = FashionMnistClasses.Names.Zip(classNames, (from, to) => new KeyValuePair<string, string>(from, to));
        return chain.Append(mlContext.Transforms.Conversion.MapValue(TrainingNameColumn, rename, LabelNameColumn))
            .Append(mlContext.Transforms.Conversion.MapValueToKey(predictedLabelColumn, TrainingNameColumn, keyData: names))
            .Append(mlContext.Transforms.DropColumns(InputColumn, ProbabilitiesColumn, ScoreColumn, LabelNameColumn, TrainingNameColumn));
    }

    /// <summary>
    /// K ≠ 10 classes: Score is the probabilities column itself (Vector&lt;Single, 1, K&gt;: Evaluate needs a known size,
    /// which a custom mapping cannot declare for every K); PredictedLabel = the argmax's index → class name → key.
    /// </summary>
    private static IEstimator<ITransformer> AnyClassCount(MLContext mlContext, IEstimator<ITransformer> scored,
        IReadOnlyList<string> classNames, IDataView names, string scoreColumn, string predictedLabelColumn)
    {
        var byIndex = classNames.Select((name, k) =>
            new KeyValuePair<string, string>(k.ToString(System.Globalization.CultureInfo.InvariantCulture), name));
        return scored
            .Append(mlContext.Transforms.CustomMapping<AnyProbabilitiesRow, ArgmaxIndexRow>(
                ArgmaxIndexMapping.Map, ArgmaxIndexMapping.ContractName))
            .Append(mlContext.Transforms.CopyColumns(scoreColumn, ProbabilitiesColumn))
            .Append(mlContext.Transforms.Conversion.MapValue(LabelNameColumn, byIndex, LabelIndexColumn))
            .Append(mlContext.Transforms.Conversion.MapValueToKey(predictedLabelColumn, LabelNameColumn, keyData: names))
            .Append(mlContext.Transforms.DropColumns(InputColumn, ProbabilitiesColumn, LabelIndexColumn, LabelNameColumn));
    }

    /// <summary>
    /// Fits the chain on <paramref name="schemaSource"/> (only its schema matters) and returns it after a round trip
    /// through Model.Save/Load in memory: ApplyOnnxModel(Stream) leaves a temp file per call, a loaded model
    /// deletes its own on dispose.
    /// </summary>
    public static ITransformer Create(MLContext mlContext, byte[] onnxModel, IDataView schemaSource, string featureColumn = "Features",
        string scoreColumn = "Score", string predictedLabelColumn = "PredictedLabel", int? gpuDeviceId = null,
        IReadOnlyList<string>? classNames = null)
    {
        ITransformer fitted = CreateEstimator(mlContext, onnxModel, featureColumn, scoreColumn, predictedLabelColumn, gpuDeviceId,
            classNames).Fit(schemaSource);
        using var buffer = new MemoryStream();
        mlContext.Model.Save(fitted, schemaSource.Schema, buffer);
        (fitted as IDisposable)?.Dispose();
        buffer.Position = 0;
        return mlContext.Model.Load(buffer, out _);
    }

    private sealed class ClassName
    {
        public string Name { get; set; } = "";
    }
}
