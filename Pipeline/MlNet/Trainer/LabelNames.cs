using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>
/// The class names a model's outputs stand for: the label column's key values in key order. MapValueToKey numbers
/// keys by first appearance (on the first training images: 9, 0, 3, 2, …), so output k is the k-th key value, not
/// Fashion-MNIST's class k; without key values, Fashion-MNIST's names in their official order (ten classes) or the
/// class numbers "0" … "K−1".
/// </summary>
public static class LabelNames
{
    public static IReadOnlyList<string> Of(IDataView data, string labelColumn)
    {
        if (data.Schema.GetColumnOrNull(labelColumn) is not { } label) return FashionMnistClasses.Names;
        int count = label.Type is KeyDataViewType key ? (int)Math.Min(key.Count, int.MaxValue) : FashionMnistClasses.Count;
        if (label.Annotations.Schema.GetColumnOrNull("KeyValues") is not { Type: VectorDataViewType values }) return Usable([], count);
        string[] names = (string[])typeof(LabelNames)
            .GetMethod(nameof(Read), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(values.ItemType.RawType).Invoke(null, [label])!;
        return Usable(names, count);
    }

    /// <summary>
    /// <paramref name="names"/> if MapValueToKey can key them again (one per class, and distinct); otherwise
    /// Fashion-MNIST's names in their order for ten classes, or "0" … "K−1".
    /// </summary>
    public static IReadOnlyList<string> Usable(IReadOnlyList<string> names, int count = FashionMnistClasses.Count)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == count && names.Distinct(StringComparer.Ordinal).Count() == names.Count) return names;
        return count == FashionMnistClasses.Count
            ? FashionMnistClasses.Names
            : [.. Enumerable.Range(0, count).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    }

    private static string[] Read<T>(DataViewSchema.Column label)
    {
        VBuffer<T> values = default;
        label.GetKeyValues(ref values);
        return [.. values.DenseValues().Select(v => v?.ToString() ?? "")];
    }
}
