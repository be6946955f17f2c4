using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetFashion.Pipeline.Trainer;

namespace MlNetFashion.Pipeline.Runs;

/// <summary>
/// Puts a loaded model's outputs in Fashion-MNIST's class order. A model trained on a label the user keyed
/// (MapValueToKey numbers classes as they first appear: 9, 0, 3, …) scores its output k for its label's k-th key value;
/// evaluate, predict --idx and FashionClassifier compare Score slot k with Fashion-MNIST's class k. Classes are matched
/// by name ("Ankle boot") or by number ("9", as keyed from the raw labels). A model of other classes (a folder of the
/// user's own images) is left as it is: its outputs are its own classes, in its own order.
/// </summary>
public static class CanonicalClassOrder
{
    /// <summary>
    /// For each Fashion-MNIST class c, the model output that scores it; null when the outputs are already in that order,
    /// or when <paramref name="names"/> are not Fashion-MNIST's ten classes: such a model keeps its own classes, in its
    /// output order.
    /// </summary>
    public static int[]? OutputOf(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (!AreFashionMnist(names)) return null;
        int[] classOf = [.. names.Select(ClassIndex)];
        if (classOf.Select((c, k) => c == k).All(same => same)) return null;
        var outputOf = new int[classOf.Length];
        for (int k = 0; k < classOf.Length; k++) outputOf[classOf[k]] = k;
        return outputOf;
    }

    /// <summary>Whether <paramref name="names"/> are Fashion-MNIST's ten classes, by name or as 0–9, in any order.</summary>
    public static bool AreFashionMnist(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        int[] classOf = [.. names.Select(ClassIndex)];
        return names.Count == FashionMnistClasses.Count && classOf.All(c => c >= 0) && classOf.Distinct().Count() == classOf.Length;
    }

    private static int ClassIndex(string name)
    {
        int byName = FashionMnistClasses.Names.ToList().FindIndex(n => n.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase));
        return byName >= 0 ? byName
            : int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int number)
                && number < FashionMnistClasses.Count ? number : -1;
    }

    /// <summary>
    /// <paramref name="model"/> followed, when its PredictedLabel's key values are Fashion-MNIST's classes in another
    /// order, by a step that reorders Score and re-keys PredictedLabel to them. That step holds the order in a closure, so the
    /// result scores in this process but cannot be saved (nothing saves a loaded model).
    /// </summary>
    public static ITransformer Apply(MLContext ml, ITransformer model, IDataView input)
    {
        ArgumentNullException.ThrowIfNull(model);
        IDataView scored = model.Transform(input);
        if (scored.Schema.GetColumnOrNull(ScoreColumn) is null || scored.Schema.GetColumnOrNull(PredictedLabelColumn) is null)
            return model;
        if (OutputOf(LabelNames.Of(scored, PredictedLabelColumn)) is not { } outputOf) return model;
        var names = ml.Data.LoadFromEnumerable(FashionMnistClasses.Names.Select(n => new ClassName { Name = n }));
        var reorder = ml.Transforms
            .CustomMapping<ScoreRow, ReorderedRow>((row, result) => Reorder(outputOf, row, result), contractName: null)
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

    private const string ScoreColumn = "Score", PredictedLabelColumn = "PredictedLabel", ReorderedScoreColumn = "__ReorderedScore",
        ReorderedNameColumn = "__ReorderedName";

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
