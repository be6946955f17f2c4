using MlNetFashion.Engine.Calibration;

namespace MlNetFashion.Engine.Onnx;

/// <summary>
/// The nodes of <see cref="FeatureDistance"/>'s score: per tap, the features f [N, d] (channel statistics of a map
/// [N, C, H, W]: mean = ReduceMean(x), std = √ReduceMean((x − mean)²), concatenated), g = f·W, the distances
/// D [N, K] = ‖g − M_k‖², their minimum, (D − a) / b; the score is minus their sum, [N, 1].
/// About d² + 2·d·K multiply-adds per tap per image and two passes over each tapped map: under 0.3 MFLOP for the
/// default net, next to its 44.
/// </summary>
internal static class FeatureDistanceGraph
{
    public static void Emit(OnnxGraph g, FeatureDistance features, IReadOnlyDictionary<int, string> layerOutputs, string output)
    {
        string? sum = null;
        for (int t = 0; t < features.Taps.Count; t++)
        {
            FeatureTap tap = features.Taps[t];
            if (!layerOutputs.TryGetValue(tap.Layer, out string? source))
                throw new InvalidOperationException($"ONNX export: layer {tap.Layer} of the feature distance has no value in the graph.");
            string prefix = $"feature_tap{t}";
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
        g.AddNode("Neg", output, [sum], [output]);
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
