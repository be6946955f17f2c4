using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>
/// The class names a model's outputs stand for: the label column's key values in key order. MapValueToKey numbers
/// keys by first appearance (on the first training images: 9, 0, 3, 2, …), so output k is the k-th key value, not
/// Fashion-MNIST's class k; without key values, Fashion-MNIST's names in their official order.
/// </summary>
public static class LabelNames
{
    public static IReadOnlyList<string> Of(IDataView data, string labelColumn)
    {
        if (data.Schema.GetColumnOrNull(labelColumn) is not { } label
            || label.Annotations.Schema.GetColumnOrNull("KeyValues") is not { Type: VectorDataViewType values })
            return FashionMnistClasses.Names;
        string[] names = (string[])typeof(LabelNames).GetMethod(nameof(Read), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(values.ItemType.RawType).Invoke(null, [label])!;
        return Usable(names);
    }

    /// <summary>
    /// <paramref name="names"/> if MapValueToKey can key them again (as many as classes, and distinct); otherwise
    /// Fashion-MNIST's names in their order.
    /// </summary>
    public static IReadOnlyList<string> Usable(IReadOnlyList<string> names) =>
        names.Count == FashionMnistClasses.Count && names.Distinct(StringComparer.Ordinal).Count() == names.Count ? names : FashionMnistClasses.Names;

    private static string[] Read<T>(DataViewSchema.Column label)
    {
        VBuffer<T> values = default;
        label.GetKeyValues(ref values);
        return [.. values.DenseValues().Select(v => v?.ToString() ?? "")];
    }
}
