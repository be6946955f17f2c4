using System.Globalization;
using System.Text;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Models;

/// <summary>
/// Keras' model.summary(): one row per layer (name and type, output shape with the batch as None, parameter count)
/// and the totals — trainable (parameters) and non-trainable (batch-norm running statistics).
/// </summary>
public static class ModelSummary
{
    public static (long Total, long Trainable, long NonTrainable) Count(Sequential model)
    {
        long trainable = model.Parameters.Sum(p => (long)p.Count);
        long nonTrainable = model.Buffers.Sum(b => (long)b.SampleSize);
        return (trainable + nonTrainable, trainable, nonTrainable);
    }

    /// <summary>Multiply-adds × 2 of one forward pass per image (conv and dense only): the bench's GFLOP/s basis.</summary>
    public static long ForwardFlops(Sequential model) => model.Layers.Sum(Flops);

    private static long Flops(Layer layer) => layer switch
    {
        Layers.Convolution.Conv2D c => 2L * c.OutputShape.Size * c.InputShape[0] * c.KernelSize * c.KernelSize,
        Layers.Core.Dense d => 2L * d.Units * d.InputShape[0],
        _ => layer.Children.Sum(Flops),
    };

    public static string Format(Sequential model)
    {
        if (!model.IsBuilt) throw new InvalidOperationException("Summary: build the model first.");
        var rows = model.Layers.Select(l => (Name: $"{l.Name} ({l.Kind})", Shape: l.OutputShape.ToBatchString(),
            Params: l.Parameters.Sum(p => (long)p.Count) + l.Buffers.Sum(b => (long)b.SampleSize))).ToList();
        int w1 = Math.Max(28, rows.Max(r => r.Name.Length) + 2), w2 = Math.Max(22, rows.Max(r => r.Shape.Length) + 2), w3 = 12;
        var text = new StringBuilder();
        string rule = new('─', w1 + w2 + w3);
        text.AppendLine("Model: \"sequential\"");
        text.AppendLine(rule);
        text.AppendLine("Layer (type)".PadRight(w1) + "Output Shape".PadRight(w2) + "Param #".PadLeft(w3));
        text.AppendLine(new string('═', w1 + w2 + w3));
        text.AppendLine("input (Input)".PadRight(w1) + model.InputShape.ToBatchString().PadRight(w2) + "0".PadLeft(w3));
        foreach (var (name, shape, count) in rows)
            text.AppendLine(name.PadRight(w1) + shape.PadRight(w2) + N(count).PadLeft(w3));
        text.AppendLine(new string('═', w1 + w2 + w3));
        (long total, long trainable, long nonTrainable) = Count(model);
        text.AppendLine($"Total params: {N(total)}");
        text.AppendLine($"Trainable params: {N(trainable)}");
        text.AppendLine($"Non-trainable params: {N(nonTrainable)}");
        text.AppendLine(rule);
        return text.ToString();
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
