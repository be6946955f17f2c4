using System.Runtime.InteropServices;
using System.Text.Json;
using MlNetFashion.Engine.Layers.Convolution;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Onnx;

/// <summary>
/// Reads the weights of an ONNX model that <see cref="OnnxExporter"/> wrote back into a built model of the same net:
/// the Conv and Gemm initializers in graph order, with the batch norms folded into them taken out again
/// (W = W'/scale, b = (b' − β)/scale + μ, scale = γ/√(σ²+ε)) using the batch norms' values the exporter keeps in the
/// metadata (<see cref="OnnxExporter.BatchNormKey"/>). Unfolding rounds: a weight comes back within an ulp or two of the
/// exported one, and the model computes what the graph computes.
/// </summary>
public static class OnnxWeights
{
    /// <summary>The producer name the exporter writes.</summary>
    public const string Producer = "MlNetFashion";

    /// <summary>
    /// Whether the file at <paramref name="path"/> carries its layers' weights: false for one exported before the batch
    /// norms' values went into the metadata. Throws InvalidDataException naming the file when it is not ONNX or not one
    /// the exporter wrote.
    /// </summary>
    public static bool CarriesWeights(string path) => Read(path).Metadata.ContainsKey(OnnxExporter.BatchNormKey);

    /// <summary>
    /// Copies the weights of the ONNX model at <paramref name="path"/> into the built <paramref name="model"/>. A last
    /// Dense whose unit count differs from the file's (other classes) keeps its own initialization; the return value
    /// says whether that happened. Throws InvalidDataException naming the file when the graph is not this net's.
    /// </summary>
    public static bool Load(string path, Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.IsBuilt) throw new InvalidOperationException("OnnxWeights.Load: build the model first.");
        string name = Path.GetFileName(path);
        OnnxModelFile file = Read(path);
        if (!file.Metadata.TryGetValue(OnnxExporter.BatchNormKey, out string? json))
            throw new InvalidDataException($"{name}: exported without its batch norms' values (by an earlier version); " +
                "its run's checkpoints/best.ckpt holds the weights");
        bool folded = LoadBatchNorms(name, json, model);
        var reader = new GraphReader(name, file);
        var plan = BatchNormFolding.Plan(model.Layers, folded);
        bool headReplaced = false;
        for (int i = 0; i < model.Layers.Count; i++)
        {
            if (plan.Moved.Contains(i)) continue;
            BatchNorm? after = plan.IntoOutput.GetValueOrDefault(i);
            switch (model.Layers[i])
            {
                case Conv2D conv:
                    reader.Conv(conv, after);
                    break;
                case Dense dense:
                    headReplaced |= !reader.Dense(dense, plan.IntoDenseInput.GetValueOrDefault(i), after, i == model.Layers.Count - 1);
                    break;
                case BatchNorm bn:
                    reader.BatchNormNode(bn);
                    break;
                case ResidualBlock block:
                    reader.Conv(block.Conv1, block.Bn1);
                    reader.Conv(block.Conv2, block.Bn2);
                    if (block.Projection is not null) reader.Conv(block.Projection, block.ProjectionBn);
                    break;
            }
            if (plan.AfterPool.TryGetValue(i, out BatchNorm? moved)) reader.BatchNormNode(moved);
        }
        reader.CheckAllRead();
        return headReplaced;
    }

    private static OnnxModelFile Read(string path)
    {
        string name = Path.GetFileName(path);
        OnnxModelFile file = OnnxModelFile.Parse(File.ReadAllBytes(path), name);
        if (file.Producer != Producer || !file.Metadata.ContainsKey("model_spec"))
            throw new InvalidDataException($"{name}: not a model MlNetFashion exported (producer \"{file.Producer}\"" +
                (file.Metadata.ContainsKey("model_spec") ? ")" : ", no model_spec in its metadata)"));
        return file;
    }

    /// <summary>Sets every batch norm's γ, β, μ, σ² from the metadata; returns whether the graph folds them.</summary>
    private static bool LoadBatchNorms(string name, string json, Sequential model)
    {
        BatchNormValues? saved;
        try
        {
            saved = JsonSerializer.Deserialize<BatchNormValues>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{name}: corrupt {OnnxExporter.BatchNormKey} metadata ({ex.Message})", ex);
        }
        if (saved?.Values is null) throw new InvalidDataException($"{name}: corrupt {OnnxExporter.BatchNormKey} metadata (no values)");
        var norms = BatchNormFolding.All(model.Layers).ToList();
        if (saved.Values.Length != norms.Count)
            throw Mismatch(name, $"{saved.Values.Length} batch norms, this model {norms.Count}");
        for (int n = 0; n < norms.Count; n++)
        {
            BatchNorm bn = norms[n];
            int c = bn.Gamma.Count;
            float[] values;
            try
            {
                values = MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(saved.Values[n])).ToArray();
            }
            catch (FormatException ex)
            {
                throw new InvalidDataException($"{name}: corrupt {OnnxExporter.BatchNormKey} metadata ({ex.Message})", ex);
            }
            if (values.Length != 4 * c) throw Mismatch(name, $"batch norm {n} has {values.Length / 4} channels, this model's {c}");
            values.AsSpan(0, c).CopyTo(bn.Gamma.Value.Span);
            values.AsSpan(c, c).CopyTo(bn.Beta.Value.Span);
            values.AsSpan(2 * c, c).CopyTo(bn.RunningMean.Span);
            values.AsSpan(3 * c, c).CopyTo(bn.RunningVariance.Span);
        }
        return saved.Folded;
    }

    private static InvalidDataException Mismatch(string name, string detail) =>
        new($"{name}: its graph does not fit this model ({detail}; trained with another preset or model spec?)");

    private sealed record BatchNormValues(bool Folded, string[]? Values);

    /// <summary>Walks the Conv, Gemm and BatchNormalization nodes in graph order, each kind with its own cursor.</summary>
    private sealed class GraphReader(string name, OnnxModelFile file)
    {
        private readonly Dictionary<string, int> _next = [];

        private OnnxModelFile.Node NextNode(string opType, string layer)
        {
            int from = _next.GetValueOrDefault(opType);
            int index = file.Nodes.FindIndex(from, n => n.OpType == opType);
            if (index < 0) throw Mismatch(name, $"no {opType} node for {layer}");
            _next[opType] = index + 1;
            return file.Nodes[index];
        }

        private float[] Initializer(OnnxModelFile.Node node, int input, long[] dims, string layer)
        {
            if (input >= node.Inputs.Count || !file.Initializers.TryGetValue(node.Inputs[input], out var tensor))
                throw Mismatch(name, $"the {node.OpType} node for {layer} has no weights in input {input}");
            if (!tensor.Dims.SequenceEqual(dims))
                throw Mismatch(name, $"{layer}: [{string.Join(", ", tensor.Dims)}] in the graph, [{string.Join(", ", dims)}] here");
            return tensor.Values;
        }

        public void Conv(Conv2D conv, BatchNorm? folded)
        {
            OnnxModelFile.Node node = NextNode("Conv", conv.Name);
            int inChannels = conv.InputShape[0], k = conv.KernelSize;
            float[] w = Initializer(node, 1, [conv.Filters, inChannels, k, k], conv.Name);
            float[] b = Initializer(node, 2, [conv.Filters], conv.Name);
            Unfold(w, b, conv.Filters, folded, conv.Kernel.Value.Span,
                conv.Bias is null ? [] : conv.Bias.Value.Span);
        }

        /// <summary>False when <paramref name="head"/> and its unit count differs: then the layer keeps its values.</summary>
        public bool Dense(Dense dense, BatchNorm? before, BatchNorm? after, bool head)
        {
            OnnxModelFile.Node node = NextNode("Gemm", dense.Name);
            int features = dense.InputShape[0];
            if (head && node.Inputs.Count > 1 && file.Initializers.TryGetValue(node.Inputs[1], out var kernel)
                && kernel.Dims.Length == 2 && kernel.Dims[1] == features && kernel.Dims[0] != dense.Units) return false;
            float[] w = Initializer(node, 1, [dense.Units, features], dense.Name);
            float[] b = Initializer(node, 2, [dense.Units], dense.Name);
            Span<float> kernelValues = dense.Kernel.Value.Span, biasValues = dense.Bias is null ? [] : dense.Bias.Value.Span;
            Unfold(w, b, dense.Units, after, kernelValues, biasValues);
            if (before is not null) UnfoldInput(kernelValues, biasValues, features, before);
            return true;
        }

        public void BatchNormNode(BatchNorm bn)
        {
            OnnxModelFile.Node node = NextNode("BatchNormalization", bn.Name);
            long[] dims = [bn.Gamma.Count];
            Initializer(node, 1, dims, bn.Name).CopyTo(bn.Gamma.Value.Span);
            Initializer(node, 2, dims, bn.Name).CopyTo(bn.Beta.Value.Span);
            Initializer(node, 3, dims, bn.Name).CopyTo(bn.RunningMean.Span);
            Initializer(node, 4, dims, bn.Name).CopyTo(bn.RunningVariance.Span);
        }

        public void CheckAllRead()
        {
            foreach (string op in (string[])["Conv", "Gemm", "BatchNormalization"])
                if (file.Nodes.FindIndex(_next.GetValueOrDefault(op), n => n.OpType == op) >= 0)
                    throw Mismatch(name, $"the graph has more {op} nodes than this model has layers for");
        }

        /// <summary>
        /// Into <paramref name="kernel"/> and <paramref name="bias"/>: W'[F, …] and b'[F] with the batch norm folded into
        /// their output taken out, W = W'/scale, b = (b' − β)/scale + μ (a layer without bias has b' = β − μ·scale).
        /// </summary>
        private static void Unfold(float[] w, float[] b, int filters, BatchNorm? bn, Span<float> kernel, Span<float> bias)
        {
            int per = w.Length / filters;
            double[] scale = bn is null ? [.. Enumerable.Repeat(1.0, filters)] : BatchNormFolding.Affine(bn).Scale;
            ReadOnlySpan<float> beta = bn is null ? new float[filters] : bn.Beta.Value.Span;
            ReadOnlySpan<float> mean = bn is null ? new float[filters] : bn.RunningMean.Span;
            for (int f = 0; f < filters; f++)
            {
                // γ = 0 zeroes the channel: its weights are gone from the graph, and zero reproduces it.
                double s = scale[f] == 0 ? double.PositiveInfinity : scale[f];
                for (int i = 0; i < per; i++) kernel[f * per + i] = bn is null ? w[f * per + i] : (float)(w[f * per + i] / s);
                if (bias.Length > 0) bias[f] = bn is null ? b[f] : (float)((b[f] - beta[f]) / s + mean[f]);
            }
        }

        /// <summary>
        /// In place, the inverse of folding y = a⊙x + c into a Dense's input: W = W'·diag(1/a), b = b' − W·c, with a
        /// feature's channel feature / (features / channels) as Flatten lays out [C, H, W].
        /// </summary>
        private static void UnfoldInput(Span<float> kernel, Span<float> bias, int features, BatchNorm bn)
        {
            int per = features / bn.Gamma.Count, units = kernel.Length / features;
            (double[] scale, double[] shift) = BatchNormFolding.Affine(bn);
            for (int u = 0; u < units; u++)
            {
                double sum = bias.Length > 0 ? bias[u] : 0;
                for (int d = 0; d < features; d++)
                {
                    double s = scale[d / per] == 0 ? double.PositiveInfinity : scale[d / per];
                    kernel[u * features + d] = (float)(kernel[u * features + d] / s);
                    sum -= kernel[u * features + d] * shift[d / per];
                }
                if (bias.Length > 0) bias[u] = (float)sum;
            }
        }
    }
}
