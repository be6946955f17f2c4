using MlNetFashion.Engine.Calibration;

namespace MlNetFashion.Engine.Onnx;

/// <summary>
/// The nodes of <see cref="FeatureDistance"/>'s score: per tap, the features f [N, d] (channel statistics of a map
/// [N, C, H, W]: mean = ReduceMean(x), std = √ReduceMean((x − mean)²), concatenated), g = f·W, the distances
/// D [N, K] = ‖g − M_k‖², their minimum, (D − a) / b; the score s is minus their sum, [N, 1]. With
/// <see cref="FeatureDistance.Energy"/>: (s − a_s) / b_s + (E − a_E) / b_E, E = ReduceLogSumExp(logits) [N, 1].
/// About d² + 2·d·K multiply-adds per tap per image and two passes over each tapped map: under 0.3 MFLOP for the
/// default net, next to its 44.
/// </summary>
internal static class FeatureDistanceGraph
{
    /// <summary>
    /// Adds the score as <paramref name="output"/>, from the layers' values and <paramref name="logits"/> [N, K]. With
    /// test-time views both stack V views along the batch axis ([V·N, …], view-major): <paramref name="plainView"/> is the
    /// index of the image alone, whose rows [p·N, (p + 1)·N) are scored; null when there are no views.
    /// </summary>
    public static void Emit(OnnxGraph g, FeatureDistance features, IReadOnlyDictionary<int, string> layerOutputs, string logits,
        string output, int? plainView = null)
    {
        Func<string, string> rows = plainView is int p ? PlainRows(g, p) : value => value;
        string? sum = null;
        for (int t = 0; t < features.Taps.Count; t++)
        {
            FeatureTap tap = features.Taps[t];
            if (!layerOutputs.TryGetValue(tap.Layer, out string? source))
                throw new InvalidOperationException($"ONNX export: layer {tap.Layer} of the feature distance has no value in the graph.");
            string prefix = $"feature_tap{t}";
            source = rows(source);
            string f = tap.ChannelStatistics ? ChannelStatistics(g, source, prefix) : source;
            int d = tap.Width, k = tap.Classes;
            // [N, d] → [N, 1, d] − M [K, d] → [N, K, d]: the differences themselves, not ‖g‖² − 2·g·M + ‖M‖², which loses the
            // distance to float rounding when the features sit far from the origin.
            string whitened = g.NewName(prefix + "_whitened"), column = g.NewName(prefix + "_column");
            string differences = g.NewName(prefix + "_differences"), all = g.NewName(prefix + "_distances");
            string nearest = g.NewName(prefix + "_nearest");
            g.AddNode("MatMul", whitened, [f, g.AddInitializer(prefix + "_W", tap.Whitening, d, d)], [whitened]);
            g.AddNode("Unsqueeze", column, [whitened, g.AddInt64Initializer(prefix + "_axis", 1)], [column]);
            g.AddNode("Sub", differences, [column, g.AddInitializer(prefix + "_M", tap.WhitenedMeans, k, d)], [differences]);
            g.AddNode("ReduceSumSquare", all, [differences], [all], OnnxAttribute.Ints("axes", 2), OnnxAttribute.Int("keepdims", 0));
            g.AddNode("ReduceMin", nearest, [all], [nearest], OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 1));
            string centered = g.NewName(prefix + "_centered"), standardized = g.NewName(prefix + "_standardized");
            g.AddNode("Sub", centered, [nearest, g.AddInitializer(prefix + "_offset", [(float)tap.Offset])], [centered]);
            g.AddNode("Div", standardized, [centered, g.AddInitializer(prefix + "_scale", [(float)tap.Scale])], [standardized]);
            if (sum is null) sum = standardized;
            else
            {
                string next = g.NewName("feature_distance_sum");
                g.AddNode("Add", next, [sum, standardized], [next]);
                sum = next;
            }
        }
        if (sum is null) throw new InvalidOperationException("ONNX export: a feature distance without taps.");
        if (features.Energy is not { } energy)
        {
            g.AddNode("Neg", output, [sum], [output]);
            return;
        }
        string distance = g.NewName("feature_distance");
        g.AddNode("Neg", distance, [sum], [distance]);
        string energyValue = g.NewName("energy");
        g.AddNode("ReduceLogSumExp", energyValue, [rows(logits)], [energyValue], OnnxAttribute.Ints("axes", 1),
            OnnxAttribute.Int("keepdims", 1));
        string left = Standardize(g, distance, energy.FeatureOffset, energy.FeatureScale, "feature_distance");
        string right = Standardize(g, energyValue, energy.EnergyOffset, energy.EnergyScale, "energy");
        g.AddNode("Add", output, [left, right], [output]);
    }

    /// <summary>(x − offset) / scale.</summary>
    private static string Standardize(OnnxGraph g, string x, double offset, double scale, string prefix)
    {
        string centered = g.NewName(prefix + "_centered"), standardized = g.NewName(prefix + "_standardized");
        g.AddNode("Sub", centered, [x, g.AddInitializer(g.NewName(prefix + "_offset"), [(float)offset])], [centered]);
        g.AddNode("Div", standardized, [centered, g.AddInitializer(g.NewName(prefix + "_scale"), [(float)scale])], [standardized]);
        return standardized;
    }

    /// <summary>
    /// A function taking a value [V·N, …] to its rows [p·N, (p + 1)·N): N is the input's batch size, read from the graph's
    /// input at run time.
    /// </summary>
    private static Func<string, string> PlainRows(OnnxGraph g, int p)
    {
        string shape = g.NewName("plain_view_input_shape"), n = g.NewName("plain_view_n");
        string start = g.NewName("plain_view_start"), end = g.NewName("plain_view_end");
        g.AddNode("Shape", shape, [OnnxExporter.InputName], [shape]);
        g.AddNode("Slice", n, [shape, g.AddInt64Initializer(n + "_from", 0), g.AddInt64Initializer(n + "_to", 1)], [n]);
        g.AddNode("Mul", start, [n, g.AddInt64Initializer(start + "_view", p)], [start]);
        g.AddNode("Mul", end, [n, g.AddInt64Initializer(end + "_view", p + 1)], [end]);
        string axis = g.AddInt64Initializer(g.NewName("plain_view_axis"), 0);
        var sliced = new Dictionary<string, string>();
        return value =>
        {
            if (sliced.TryGetValue(value, out string? rows)) return rows;
            rows = sliced[value] = g.NewName("plain_view_rows");
            g.AddNode("Slice", rows, [value, start, end, axis], [rows]);
            return rows;
        };
    }

    /// <summary>x [N, C, H, W] → [N, 2C]: the per-channel means, then the per-channel standard deviations.</summary>
    private static string ChannelStatistics(OnnxGraph g, string x, string prefix)
    {
        string mapMean = g.NewName(prefix + "_map_mean"), mean = g.NewName(prefix + "_mean");
        string centered = g.NewName(prefix + "_centered_map");
        string variance = g.NewName(prefix + "_variance"), std = g.NewName(prefix + "_std"), both = g.NewName(prefix + "_features");
        g.AddNode("ReduceMean", mapMean, [x], [mapMean], OnnxAttribute.Ints("axes", 2, 3), OnnxAttribute.Int("keepdims", 1));
        g.AddNode("Flatten", mean, [mapMean], [mean], OnnxAttribute.Int("axis", 1));
        g.AddNode("Sub", centered, [x, mapMean], [centered]);
        g.AddNode("Mul", centered + "_squared", [centered, centered], [centered + "_squared"]);
        g.AddNode("ReduceMean", variance, [centered + "_squared"], [variance], OnnxAttribute.Ints("axes", 2, 3),
            OnnxAttribute.Int("keepdims", 0));
        g.AddNode("Sqrt", std, [variance], [std]);
        g.AddNode("Concat", both, [mean, std], [both], OnnxAttribute.Int("axis", 1));
        return both;
    }
}
