using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetFashion.Pipeline.Trainer;

namespace MlNetFashion.Pipeline.Runs;

/// <summary>
/// Puts a loaded model's outputs in Fashion-MNIST's class order. A model trained on a label the user keyed
/// (MapValueToKey numbers classes as they first appear: 9, 0, 3, …) scores its output k for its label's k-th key value;
/// evaluate, predict --idx and FashionClassifier compare Score slot k with Fashion-MNIST's class k. Classes are matched
/// by name ("Ankle boot") or by number ("9", as keyed from the raw labels).
/// </summary>
public static class CanonicalClassOrder
{
    /// <summary>
    /// For each Fashion-MNIST class c, the model output that scores it; null when the outputs are already in that order.
    /// Throws when <paramref name="names"/> are not the ten classes.
    /// </summary>
    public static int[]? OutputOf(IReadOnlyList<string> names, string modelName)
    {
        ArgumentNullException.ThrowIfNull(names);
        int[] classOf = [.. names.Select(ClassIndex)];
        if (names.Count != FashionMnistClasses.Count || classOf.Any(c => c < 0) || classOf.Distinct().Count() != classOf.Length)
            throw new InvalidDataException($"{modelName}: the model's classes are {string.Join(", ", names.Select(n => $"\"{n}\""))}; expected Fashion-MNIST's ten classes, by name or as 0–9");
        if (classOf.Select((c, k) => c == k).All(same => same)) return null;
        var outputOf = new int[classOf.Length];
        for (int k = 0; k < classOf.Length; k++) outputOf[classOf[k]] = k;
        return outputOf;
    }

    private static int ClassIndex(string name)
    {
        int byName = FashionMnistClasses.Names.ToList().FindIndex(n => n.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase));
        return byName >= 0 ? byName
            : int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int number) && number < FashionMnistClasses.Count ? number : -1;
    }

    /// <summary>
    /// <paramref name="model"/> followed, when its PredictedLabel's key values are not Fashion-MNIST's classes in order,
    /// by a step that reorders Score and re-keys PredictedLabel to them. That step holds the order in a closure, so the
    /// result scores in this process but cannot be saved (nothing saves a loaded model).
    /// </summary>
    public static ITransformer Apply(MLContext ml, ITransformer model, IDataView input, string modelName)
    {
        IDataView scored = model.Transform(input);
        if (scored.Schema.GetColumnOrNull(ScoreColumn) is null || scored.Schema.GetColumnOrNull(PredictedLabelColumn) is null) return model;
        if (OutputOf(LabelNames.Of(scored, PredictedLabelColumn), modelName) is not { } outputOf) return model;
        var names = ml.Data.LoadFromEnumerable(FashionMnistClasses.Names.Select(n => new ClassName { Name = n }));
        var reorder = ml.Transforms.CustomMapping<ScoreRow, ReorderedRow>((row, result) => Reorder(outputOf, row, result), contractName: null)
            .Append(ml.Transforms.DropColumns(ScoreColumn, PredictedLabelColumn))
            .Append(ml.Transforms.CopyColumns(ScoreColumn, ReorderedScoreColumn))
            .Append(ml.Transforms.Conversion.MapValueToKey(PredictedLabelColumn, ReorderedNameColumn, keyData: names))
            .Append(ml.Transforms.DropColumns(ReorderedScoreColumn, ReorderedNameColumn));
        return model.Append(reorder.Fit(scored));
    }

    /// <summary>Score[c] = the model's output for class c; the name of the largest.</summary>
    private static void Reorder(int[] outputOf, ScoreRow row, ReorderedRow result)
    {
        if (result.Score.Length != outputOf.Length) result.Score = new float[outputOf.Length];
        for (int c = 0; c < outputOf.Length; c++) result.Score[c] = row.Score[outputOf[c]];
        result.Name = FashionMnistClasses.Names[System.Numerics.Tensors.TensorPrimitives.IndexOfMax(result.Score)];
    }

    /// <summary>Probabilities [count, 10] with each row's slots moved to Fashion-MNIST's class order, in place.</summary>
    public static void ReorderRows(int[] outputOf, Span<float> probabilities)
    {
        int k = outputOf.Length;
        Span<float> row = stackalloc float[k];
        for (int start = 0; start + k <= probabilities.Length; start += k)
        {
            probabilities.Slice(start, k).CopyTo(row);
            for (int c = 0; c < k; c++) probabilities[start + c] = row[outputOf[c]];
        }
    }

    private const string ScoreColumn = "Score", PredictedLabelColumn = "PredictedLabel", ReorderedScoreColumn = "__ReorderedScore", ReorderedNameColumn = "__ReorderedName";

    private sealed class ScoreRow
    {
        [ColumnName(ScoreColumn), VectorType(FashionMnistClasses.Count)]
        public float[] Score { get; set; } = [];
    }

    private sealed class ReorderedRow
    {
        [ColumnName(ReorderedScoreColumn), VectorType(FashionMnistClasses.Count)]
        public float[] Score { get; set; } = new float[FashionMnistClasses.Count];

        [ColumnName(ReorderedNameColumn)]
        public string Name { get; set; } = "";
    }

    private sealed class ClassName
    {
        public string Name { get; set; } = "";
    }
}
