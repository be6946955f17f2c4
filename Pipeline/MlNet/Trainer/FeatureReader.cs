using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>
/// Reads a key Label column (K ≥ 2 values: the classes) and a float Features column (784 values) of an IDataView into
/// engine arrays.
/// </summary>
internal static class FeatureReader
{
    /// <param name="source">How messages name the data when it is not the training data ("validation set").</param>
    public static LabeledImages Read(IDataView data, string labelColumn, string featureColumn, Shape shape, string? source = null)
    {
        string of = source is null ? "" : $"{source}: ";
        DataViewSchema.Column label = data.Schema.GetColumnOrNull(labelColumn)
            ?? throw new ArgumentException($"{of}{labelColumn}: expected a label column of key type, found no such column");
        DataViewSchema.Column features = data.Schema.GetColumnOrNull(featureColumn)
            ?? throw new ArgumentException($"{of}{featureColumn}: expected a feature column, found no such column");
        if (label.Type is not KeyDataViewType { RawType: var raw } keyType || raw != typeof(uint) || keyType.Count is < 2 or > int.MaxValue)
            throw new ArgumentException(
                $"{of}{labelColumn}: expected a key of UInt32 with at least 2 values (use MapValueToKey), received {label.Type}");
        int classes = (int)keyType.Count;
        if (features.Type is not VectorDataViewType { ItemType: var item } vector || item != NumberDataViewType.Single
            || vector.Size != shape.Size)
            throw new ArgumentException(
                $"{of}{featureColumn}: expected a vector of {shape.Size} Single values (pixels / 255), received {features.Type}");

        var pixels = new List<float>(data.GetRowCount() is long n ? (int)Math.Min(n * shape.Size, int.MaxValue) : 0);
        var labels = new List<int>();
        using var cursor = data.GetRowCursor([label, features]);
        var getLabel = cursor.GetGetter<uint>(label);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
        uint key = 0;
        VBuffer<float> row = default;
        var dense = new float[shape.Size];
        while (cursor.MoveNext())
        {
            getLabel(ref key);
            if (key == 0 || key > classes)
                throw new ArgumentException(
                    $"{of}{labelColumn}: row {cursor.Position} has a missing or out-of-range label (key {key}); expected 1..{classes}");
            getFeatures(ref row);
            row.CopyTo(dense);
            // A NaN pixel would surface only as a diverged loss, blamed on the learning rate.
            if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<float>(dense))
                throw new ArgumentException(
                    $"{of}{featureColumn}: row {cursor.Position} has a NaN or infinite value; expected pixels / 255");
            pixels.AddRange(dense);
            labels.Add((int)key - 1);
        }
        if (labels.Count == 0) throw new ArgumentException($"{source ?? "training data"}: expected at least one row, received none");
        return new LabeledImages([.. pixels], [.. labels], shape);
    }

    /// <summary>
    /// How many classes the label column's key has (K ≥ 2, checked by <see cref="Read"/>): the key's value count, not the
    /// labels seen, so a class missing from a small sample still gets its output.
    /// </summary>
    public static int ClassCount(IDataView data, string labelColumn) =>
        data.Schema.GetColumnOrNull(labelColumn)?.Type is KeyDataViewType key ? (int)Math.Min(key.Count, int.MaxValue) : 0;

    /// <summary>The rows at <paramref name="indices"/>.</summary>
    public static LabeledImages Subset(LabeledImages data, int[] indices)
    {
        int size = data.Shape.Size;
        var pixels = new float[indices.Length * size];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            data.Image(indices[i]).CopyTo(pixels.AsSpan(i * size));
            labels[i] = data.Labels[indices[i]];
        }
        return new LabeledImages(pixels, labels, data.Shape);
    }
}
