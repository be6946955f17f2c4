using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Convolution;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Layers.Pooling;

namespace MlNetFashion.Engine.Onnx;

/// <summary>
/// Where each batch norm of a model goes in its ONNX graph: folded into the Conv or Dense before it, into the input side
/// of a later Dense, moved behind a MaxPool, or left as a BatchNormalization node. The exporter writes the graph by this
/// plan and <see cref="OnnxWeights"/> reads the weights back by it, so both see the same graph.
/// </summary>
internal sealed class BatchNormFolding
{
    /// <summary>Conv or Dense index → the batch norm right after it, folded into its weights.</summary>
    public Dictionary<int, BatchNorm> IntoOutput { get; } = [];
    /// <summary>Dense index → a batch norm folded into its input side.</summary>
    public Dictionary<int, BatchNorm> IntoDenseInput { get; } = [];
    /// <summary>MaxPool index → a batch norm emitted after it instead of before.</summary>
    public Dictionary<int, BatchNorm> AfterPool { get; } = [];
    /// <summary>Indices of batch norms that emit nothing where they stand (folded or moved).</summary>
    public HashSet<int> Moved { get; } = [];

    /// <summary>The plan for <paramref name="layers"/>; without <paramref name="fold"/> every top-level batch norm is a node.</summary>
    public static BatchNormFolding Plan(IReadOnlyList<Layer> layers, bool fold)
    {
        var plan = new BatchNormFolding();
        if (!fold) return plan;
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is Conv2D or Dense && i + 1 < layers.Count && layers[i + 1] is BatchNorm next)
            {
                plan.IntoOutput[i] = next;
                plan.Moved.Add(++i);
            }
            else if (layers[i] is BatchNorm bn && plan.Reroute(layers, i, bn)) plan.Moved.Add(i);
        }
        return plan;
    }

    /// <summary>
    /// Plans a batch norm that could not fold into the layer before it (mcnn-paper puts it after the ReLU). y = a·x + b per
    /// channel: it folds exactly into the next Dense (through Dropout, Flatten, and MaxPool when every a > 0, since max
    /// commutes with an increasing map); otherwise, before a MaxPool with every a > 0, it moves behind the pool and
    /// normalizes a quarter of the values. A following Conv cannot absorb it: its zero padding would see b.
    /// </summary>
    private bool Reroute(IReadOnlyList<Layer> layers, int index, BatchNorm bn)
    {
        bool increasing = true;
        ReadOnlySpan<float> gamma = bn.Gamma.Value.Span;
        for (int c = 0; c < gamma.Length; c++) increasing &= gamma[c] > 0;
        int j = index + 1;
        while (j < layers.Count && (layers[j] is Dropout or Flatten || (increasing && layers[j] is MaxPool2D))) j++;
        if (j < layers.Count && layers[j] is Dense && !IntoDenseInput.ContainsKey(j))
        {
            IntoDenseInput[j] = bn;
            return true;
        }
        j = index + 1;
        while (j < layers.Count && layers[j] is Dropout) j++;
        if (increasing && j < layers.Count && layers[j] is MaxPool2D && !AfterPool.ContainsKey(j))
        {
            AfterPool[j] = bn;
            return true;
        }
        return false;
    }

    /// <summary>A batch norm in eval mode as y = scale·x + shift per channel: scale = γ/√(σ²+ε), shift = β − μ·scale.</summary>
    public static (double[] Scale, double[] Shift) Affine(BatchNorm bn)
    {
        ReadOnlySpan<float> gamma = bn.Gamma.Value.Span, beta = bn.Beta.Value.Span, mean = bn.RunningMean.Span,
            variance = bn.RunningVariance.Span;
        var scale = new double[gamma.Length];
        var shift = new double[gamma.Length];
        for (int c = 0; c < gamma.Length; c++)
        {
            scale[c] = gamma[c] / Math.Sqrt(variance[c] + (double)bn.Epsilon);
            shift[c] = beta[c] - mean[c] * scale[c];
        }
        return (scale, shift);
    }

    /// <summary>Every batch norm of the model in layer order, those inside residual blocks included.</summary>
    public static IEnumerable<BatchNorm> All(IReadOnlyList<Layer> layers) =>
        layers.SelectMany(l => l.Children.Count > 0 ? l.Children : [l]).OfType<BatchNorm>();
}
