using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Calibration;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Activation;
using MlNetFashion.Engine.Layers.Convolution;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Layers.Pooling;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Onnx;

/// <summary>
/// Writes an engine model as ONNX (opset 17, IR 8). Contract: input "input" float [N, C, H, W] holding pixels / 255;
/// outputs "logits" [N, K] and "probabilities" [N, K] (softmax; with test-time views the logits are their mean over
/// the views). Dropout disappears; BatchNorm right after a Conv or Dense is folded into its weights
/// (W' = W·γ/√(σ²+ε), b' = (b − μ)·γ/√(σ²+ε) + β); one before a Dense folds into its
/// input side; others move behind a following MaxPool when they can, or stay BatchNormalization nodes. Pads are
/// written explicitly, so Keras 'same' and ceil_mode need no special casing.
/// </summary>
public static class OnnxExporter
{
    public const string InputName = "input", LogitsName = "logits", ProbabilitiesName = "probabilities";

    /// <summary>The output [N, 1] of <see cref="FeatureDistance"/>'s score, present when the export options carry one (with
    /// test-time views: the score of the image alone).</summary>
    public const string InDistributionScoreName = "in_distribution_score";

    /// <summary>The metadata key of the classes the outputs stand for: a JSON array, in output order.</summary>
    public const string ClassNamesKey = "class_names";

    /// <summary>The metadata key present when the graph averages test-time views: which views.</summary>
    public const string TestTimeViewsKey = "test_time_augmentation";

    /// <summary>Metadata keys of calibration: T of softmax(logits / T), the in-distribution score's name and its threshold.</summary>
    public const string TemperatureKey = "temperature", InDistributionScoreKey = "ood_score", InDistributionThresholdKey = "ood_threshold";

    /// <summary>
    /// The metadata key of the batch norms' own values, which folding merges into the weights: {"folded": bool,
    /// "values": [base64 of float32 γ | β | μ | σ², one per batch norm in layer order]}. With them
    /// <see cref="OnnxWeights"/> gives back the layers' weights from the graph alone.
    /// </summary>
    public const string BatchNormKey = "batch_norm";

    public static byte[] Export(Sequential model, OnnxExportOptions? options = null)
    {
        options ??= new OnnxExportOptions();
        if (!model.IsBuilt) throw new InvalidOperationException("ONNX export: build (train) the model first.");
        if (model.OutputShape.Rank != 1)
            throw new InvalidOperationException($"ONNX export: expected a model that ends in class scores (K). Received output shape " +
                $"{model.OutputShape}.");
        // class_names names the outputs in order: a list of another length would name them wrongly (none: not named).
        if (options.ClassNames.Count != 0 && options.ClassNames.Count != model.OutputShape[0])
            throw new ArgumentException($"ONNX export: {options.ClassNames.Count} class names for a model with {model.OutputShape[0]} " +
                $"outputs.", nameof(options));
        var graph = new OnnxGraph();
        graph.AddInput(InputName, [.. model.InputShape.ToArray().Select(d => (long)d)]);
        TestTimeViews? views = options.TestTimeViews;
        string current = views is null ? InputName : EmitViews(graph, views, InputName, model.InputShape);
        var layers = model.Layers;
        FeatureDistance? features = options.FeatureDistance;
        int? plainView = views is null ? null : PlainView(views);
        var layerOutputs = new Dictionary<int, string>();   // layer index → the graph value equal to its engine output
        var plan = BatchNormFolding.Plan(layers, options.FoldBatchNorm);
        for (int i = 0; i < layers.Count; i++)
        {
            if (plan.Moved.Contains(i)) continue;
            BatchNorm? after = plan.IntoOutput.GetValueOrDefault(i);
            current = layers[i] is Dense dense && plan.IntoDenseInput.TryGetValue(i, out BatchNorm? before)
                ? EmitDense(graph, dense, current, before, after)
                : Emit(graph, layers[i], current, after);
            if (plan.AfterPool.TryGetValue(i, out BatchNorm? moved)) current = Emit(graph, moved, current, null);
            else layerOutputs[i] = current;
            // A batch norm folded into this layer's output: the folded value is that batch norm's engine output.
            if (after is not null) layerOutputs[i + 1] = current;
        }
        long classes = model.OutputShape[0];
        string viewLogits = current;
        if (views is not null) current = EmitViewMean(graph, current, views.Views.Count, classes);
        graph.AddNode("Identity", "logits", [current], [LogitsName]);
        string softmaxInput = LogitsName;
        if (options.Temperature != 1)
        {
            if (!(options.Temperature > 0) || double.IsInfinity(options.Temperature))
                throw new ArgumentException($"ONNX export: expected a temperature > 0. Received {options.Temperature}.", nameof(options));
            softmaxInput = graph.NewName("calibrated_logits");
            graph.AddNode("Div", "temperature", [LogitsName, graph.AddInitializer("temperature_T", [(float)options.Temperature])],
                [softmaxInput]);
        }
        graph.AddNode("Softmax", "softmax", [softmaxInput], [ProbabilitiesName], OnnxAttribute.Int("axis", 1));
        graph.AddOutput(LogitsName, classes);
        graph.AddOutput(ProbabilitiesName, classes);
        if (features is not null)
        {
            FeatureDistanceGraph.Emit(graph, features, layerOutputs, views is null ? LogitsName : viewLogits, InDistributionScoreName,
                plainView);
            graph.AddOutput(InDistributionScoreName, 1);
        }
        return graph.Serialize("MlNetFashion", "MlNetFashion", options.ProducerVersion, options.Description ?? Description(model),
            Metadata(model, options));
    }

    /// <summary>The index of the view that is the image alone: the in-distribution score is that view's.</summary>
    private static int PlainView(TestTimeViews views)
    {
        for (int v = 0; v < views.Views.Count; v++)
            if (views.Views[v] is { Flip: false, Dy: 0, Dx: 0 }) return v;
        throw new InvalidOperationException($"ONNX export: test-time views without the image alone ({views}).");
    }

    /// <summary>The doc string when the caller gives none: "… float [N,C,H,W] … [N,K]" with the model's own shapes.</summary>
    private static string Description(Sequential model) =>
        $"Image classifier. Input: pixels / 255 as float [N,{string.Join(',', model.InputShape.ToArray())}]. " +
        $"Outputs: logits and softmax probabilities [N,{model.OutputShape[0]}].";

    private static Dictionary<string, string> Metadata(Sequential model, OnnxExportOptions options)
    {
        string standardize = model.Layers.OfType<Standardize>()
            .Select(s => string.Create(CultureInfo.InvariantCulture, $", then (x - {s.Mean}) / {s.Std} inside the graph"))
            .FirstOrDefault() ?? "";
        var metadata = new Dictionary<string, string>
        {
            [ClassNamesKey] = JsonSerializer.Serialize(options.ClassNames),
            ["preprocessing"] = (options.Preprocessing ?? "input = pixels / 255") + standardize,
            ["preset"] = options.NetName,
            ["producer"] = $"MlNetFashion {options.ProducerVersion}",
            ["model_spec"] = ModelSpec.ToJson(model),
            [BatchNormKey] = BatchNormValues(model, options.FoldBatchNorm),
        };
        if (options.TestTimeViews is { } views) metadata[TestTimeViewsKey] = $"logits averaged over {views}";
        if (options.TestAccuracy is double accuracy) metadata["test_accuracy"] = accuracy.ToString("F4", CultureInfo.InvariantCulture);
        if (options.TestImages is int images) metadata["test_images"] = images.ToString(CultureInfo.InvariantCulture);
        if (options.TrainingDate is DateTimeOffset date) metadata["training_date"] = date.ToString("O", CultureInfo.InvariantCulture);
        // "R" round-trips: a scorer reading it back gets the very double the run used.
        metadata[TemperatureKey] = ((float)options.Temperature).ToString("R", CultureInfo.InvariantCulture);
        if (options.InDistribution is { } rule)
        {
            metadata[InDistributionScoreKey] = InDistributionScore.Name(rule.Score);
            metadata[InDistributionThresholdKey] = rule.Threshold.ToString("R", CultureInfo.InvariantCulture);
        }
        foreach (var (key, value) in options.Metadata) metadata[key] = value;
        return metadata;
    }

    private static string BatchNormValues(Sequential model, bool folded)
    {
        var values = BatchNormFolding.All(model.Layers).Select(bn =>
        {
            float[] v = [.. bn.Gamma.Value.Span, .. bn.Beta.Value.Span, .. bn.RunningMean.Span, .. bn.RunningVariance.Span];
            return Convert.ToBase64String(MemoryMarshal.AsBytes(v.AsSpan()));
        });
        return JsonSerializer.Serialize(new { folded, values });
    }

    /// <summary>
    /// The views of <see cref="TestTimeViews"/> stacked along the batch axis: [N, C, H, W] → [V·N, C, H, W], view-major.
    /// A mirror image is a Gather of the columns in reverse; a shift by (dy, dx) is a window of the image padded by one
    /// zero cell on each side (out[y, x] = in[y + dy, x + dx], as <see cref="Augmenter.Shift"/>).
    /// </summary>
    private static string EmitViews(OnnxGraph g, TestTimeViews views, string input, Shape inputShape)
    {
        if (inputShape.Rank != 3)
            throw new InvalidOperationException($"ONNX export: test-time views need an image input [C, H, W]. Received {inputShape}.");
        long h = inputShape[1], w = inputShape[2];
        if (views.Views.Any(v => Math.Abs(v.Dy) > 1 || Math.Abs(v.Dx) > 1))
            throw new InvalidOperationException("ONNX export: test-time shifts of more than one pixel are not supported.");
        string mirrored = "";
        if (views.Views.Any(v => v.Flip))
        {
            mirrored = g.NewName("tta_mirror");
            g.AddNode("Gather", mirrored,
                [input, g.AddInt64Initializer("tta_reversed_columns", [.. Enumerable.Range(0, (int)w).Reverse().Select(i => (long)i)])],
                [mirrored], OnnxAttribute.Int("axis", 3));
        }
        string pads = g.AddInt64Initializer("tta_pads", 0, 0, 1, 1, 0, 0, 1, 1), axes = g.AddInt64Initializer("tta_axes", 2, 3);
        var padded = new Dictionary<string, string>();
        var outputs = new List<string>();
        foreach (TestTimeView v in views.Views)
        {
            string source = v.Flip ? mirrored : input;
            if (v.Dy == 0 && v.Dx == 0) { outputs.Add(source); continue; }
            if (!padded.TryGetValue(source, out string? p))
            {
                padded[source] = p = g.NewName("tta_padded");
                g.AddNode("Pad", p, [source, pads], [p]);
            }
            string shifted = g.NewName("tta_view");
            g.AddNode("Slice", shifted,
                [p, g.AddInt64Initializer(shifted + "_starts", 1 + v.Dy, 1 + v.Dx),
                    g.AddInt64Initializer(shifted + "_ends", h + 1 + v.Dy, w + 1 + v.Dx), axes],
                [shifted]);
            outputs.Add(shifted);
        }
        string stacked = g.NewName("tta_views");
        g.AddNode("Concat", stacked, [.. outputs], [stacked], OnnxAttribute.Int("axis", 0));
        return stacked;
    }

    /// <summary>[V·N, K] logits of the stacked views → [N, K], their mean.</summary>
    private static string EmitViewMean(OnnxGraph g, string logits, int views, long classes)
    {
        string grouped = g.NewName("tta_grouped"), mean = g.NewName("tta_mean");
        g.AddNode("Reshape", grouped, [logits, g.AddInt64Initializer("tta_group_shape", views, -1, classes)], [grouped]);
        g.AddNode("ReduceMean", mean, [grouped], [mean], OnnxAttribute.Ints("axes", 0), OnnxAttribute.Int("keepdims", 0));
        return mean;
    }

    /// <summary>Adds the nodes of one layer reading <paramref name="input"/>; returns the name of its output.</summary>
    private static string Emit(OnnxGraph g, Layer layer, string input, BatchNorm? folded)
    {
        string output = g.NewName(layer.Name.Replace('/', '_'));
        switch (layer)
        {
            case Conv2D conv:
                EmitConv(g, conv, input, output, folded);
                return output;
            case Dense dense:
                return EmitDense(g, dense, input, null, folded);
            case BatchNorm bn:
            {
                int c = bn.Gamma.Count;
                g.AddNode("BatchNormalization", layer.Name,
                    [input, g.AddInitializer(output + "_scale", bn.Gamma.Value.Span, c),
                        g.AddInitializer(output + "_bias", bn.Beta.Value.Span, c),
                        g.AddInitializer(output + "_mean", bn.RunningMean.Span, c),
                        g.AddInitializer(output + "_var", bn.RunningVariance.Span, c)],
                    [output], OnnxAttribute.Float("epsilon", bn.Epsilon));
                return output;
            }
            case Standardize s:
            {
                string centered = g.NewName("centered");
                g.AddNode("Sub", layer.Name + "_sub", [input, g.AddInitializer(output + "_mean", [s.Mean])], [centered]);
                g.AddNode("Div", layer.Name + "_div", [centered, g.AddInitializer(output + "_std", [s.Std])], [output]);
                return output;
            }
            case ReLU:
                g.AddNode("Relu", layer.Name, [input], [output]);
                return output;
            case LeakyReLU leaky:
                g.AddNode("LeakyRelu", layer.Name, [input], [output], OnnxAttribute.Float("alpha", leaky.Alpha));
                return output;
            case MaxPool2D or AvgPool2D:
            {
                var pool = (Pool2D)layer;
                var attributes = new List<OnnxAttribute>
                {
                    OnnxAttribute.Ints("kernel_shape", pool.PoolSize, pool.PoolSize),
                    OnnxAttribute.Ints("strides", pool.Stride, pool.Stride),
                };
                // Padding only after the input (Keras 'same' with an odd size, PyTorch ceil_mode) is ONNX's ceil_mode:
                // ONNX Runtime takes its plain pooling path for it, faster than explicit pads.
                if (pool.PadTop == 0 && pool.PadLeft == 0 && CeilCovers(pool))
                    attributes.Add(OnnxAttribute.Int("ceil_mode", pool.PadBottom + pool.PadRight > 0 ? 1 : 0));
                else attributes.Add(OnnxAttribute.Ints("pads", pool.PadTop, pool.PadLeft, pool.PadBottom, pool.PadRight));
                if (layer is AvgPool2D) attributes.Add(OnnxAttribute.Int("count_include_pad", 0));
                g.AddNode(layer is MaxPool2D ? "MaxPool" : "AveragePool", layer.Name, [input], [output], [.. attributes]);
                return output;
            }
            case GlobalAvgPool:
            {
                string pooled = g.NewName("pooled");
                g.AddNode("GlobalAveragePool", layer.Name, [input], [pooled]);
                g.AddNode("Flatten", layer.Name + "_flatten", [pooled], [output], OnnxAttribute.Int("axis", 1));
                return output;
            }
            case Flatten:
                g.AddNode("Flatten", layer.Name, [input], [output], OnnxAttribute.Int("axis", 1));
                return output;
            case Dropout:
                return input;
            case ResidualBlock block:
                return EmitResidual(g, block, input, output);
            default:
                throw new NotSupportedException($"ONNX export: no mapping for layer {layer.Name} ({layer.Kind}).");
        }
    }

    /// <summary>Gemm with an optional batch norm folded into its input side (<paramref name="before"/>) and one after it.</summary>
    private static string EmitDense(OnnxGraph g, Dense dense, string input, BatchNorm? before, BatchNorm? after)
    {
        string output = g.NewName(dense.Name.Replace('/', '_'));
        int features = dense.InputShape[0];
        (float[] w, float[] b) = Copy(dense.Kernel, dense.Bias, dense.Units);
        if (before is not null) FoldInput(w, b, dense, before);
        Fold(w, b, dense.Units, after);
        string weights = g.AddInitializer(output + "_W", w, dense.Units, features);
        string bias = g.AddInitializer(output + "_B", b, dense.Units);
        g.AddNode("Gemm", dense.Name, [input, weights, bias], [output], OnnxAttribute.Int("transB", 1));
        return output;
    }

    /// <summary>
    /// In place: W·(a⊙x + b) + c = (W·diag(a))·x + (W·b + c) for the Dense kernel W [units, features]; a feature's
    /// channel is feature / (features / channels), as Flatten lays out [C, H, W].
    /// </summary>
    private static void FoldInput(float[] w, float[] b, Dense dense, BatchNorm bn)
    {
        int features = dense.InputShape[0], channels = bn.Gamma.Count, per = features / channels;
        if (per * channels != features)
            throw new InvalidOperationException($"ONNX export: cannot fold {bn.Name} ({channels} channels) into {dense.Name} ({features} " +
                $"inputs).");
        (double[] scale, double[] shift) = BatchNormFolding.Affine(bn);
        for (int u = 0; u < dense.Units; u++)
        {
            double sum = b[u];
            for (int d = 0; d < features; d++)
            {
                sum += w[u * features + d] * shift[d / per];
                w[u * features + d] = (float)(w[u * features + d] * scale[d / per]);
            }
            b[u] = (float)sum;
        }
    }

    /// <summary>True when ceil_mode without pads gives exactly the engine's output size (pads only after, less than a stride).</summary>
    private static bool CeilCovers(Pool2D pool)
    {
        static int Ceil(int input, int k, int s) => (input - k + s - 1) / s + 1;
        (int _, int h, int w) = pool.InputShape.AsImage();
        (int _, int oh, int ow) = pool.OutputShape.AsImage();
        return pool.PadBottom < pool.Stride && pool.PadRight < pool.Stride && h >= pool.PoolSize && w >= pool.PoolSize
            && Ceil(h, pool.PoolSize, pool.Stride) == oh && Ceil(w, pool.PoolSize, pool.Stride) == ow;
    }

    private static void EmitConv(OnnxGraph g, Conv2D conv, string input, string output, BatchNorm? folded)
    {
        int inChannels = conv.InputShape[0], k = conv.KernelSize;
        (float[] w, float[] b) = Copy(conv.Kernel, conv.Bias, conv.Filters);
        Fold(w, b, conv.Filters, folded);
        string weights = g.AddInitializer(output + "_W", w, conv.Filters, inChannels, k, k);
        string bias = g.AddInitializer(output + "_B", b, conv.Filters);
        g.AddNode("Conv", conv.Name.Replace('/', '_'), [input, weights, bias], [output],
            OnnxAttribute.Ints("kernel_shape", k, k),
            OnnxAttribute.Ints("strides", conv.Stride, conv.Stride),
            OnnxAttribute.Ints("pads", conv.PadTop, conv.PadLeft, conv.PadBottom, conv.PadRight));
    }

    private static string EmitResidual(OnnxGraph g, ResidualBlock block, string input, string output)
    {
        string Step(Layer layer, string from, BatchNorm? bn) => Emit(g, layer, from, bn);
        // Folding is required here: the block's convolutions have no bias of their own.
        string main = Step(block.Conv1, input, block.Bn1);
        string relu = g.NewName(block.Name + "_relu1");
        g.AddNode("Relu", block.Name + "/relu1", [main], [relu]);
        main = Step(block.Conv2, relu, block.Bn2);
        string skip = block.Projection is null ? input : Step(block.Projection, input, block.ProjectionBn);
        string sum = g.NewName(block.Name.Replace('/', '_') + "_sum");
        g.AddNode("Add", block.Name + "/add", [main, skip], [sum]);
        g.AddNode("Relu", block.Name + "/relu", [sum], [output]);
        return output;
    }

    /// <summary>Copies of a layer's kernel and bias (zeros when it has none), for folding.</summary>
    private static (float[] W, float[] B) Copy(Parameter kernel, Parameter? bias, int units) =>
        (kernel.Value.Span.ToArray(), bias is null ? new float[units] : bias.Value.Span.ToArray());

    /// <summary>In place: W [F, …] and b [F] with the following batch norm (if any) folded in.</summary>
    private static void Fold(float[] w, float[] b, int filters, BatchNorm? bn)
    {
        if (bn is null) return;
        int per = w.Length / filters;
        ReadOnlySpan<float> beta = bn.Beta.Value.Span, mean = bn.RunningMean.Span;
        double[] scale = BatchNormFolding.Affine(bn).Scale;
        for (int f = 0; f < filters; f++)
        {
            for (int i = 0; i < per; i++) w[f * per + i] = (float)(w[f * per + i] * scale[f]);
            b[f] = (float)((b[f] - mean[f]) * scale[f] + beta[f]);
        }
    }
}
