using System.Globalization;
using MlNetFashion.Engine.Calibration;
using MlNetFashion.Engine.Onnx;

namespace MlNetFashion.Pipeline.Runs;

/// <summary>
/// A checked model file's ONNX graph and what a scorer needs beside it (<see cref="ModelFile.ReadGraph(Microsoft.ML.MLContext, string)"/>):
/// what its outputs stand for, whether it has a "logits" output, and the calibration its metadata holds.
/// </summary>
/// <param name="Onnx">The graph's bytes (of model.onnx, or the ONNX model inside model.zip).</param>
/// <param name="ClassNames">What output k stands for, in output order (<see cref="ModelFile.ClassNames"/>).</param>
/// <param name="OwnClasses">The user's own classes (<see cref="ModelFile.OwnClassesKey"/>): never matched to Fashion-MNIST's.</param>
/// <param name="HasLogits">Whether the graph has the "logits" output beside "probabilities".</param>
/// <param name="Metadata">The graph's custom metadata.</param>
/// <param name="HasInDistributionScore">Whether the graph computes its own in-distribution score ("in_distribution_score",
/// [N, 1]: a feature distance).</param>
public sealed record ModelGraph(byte[] Onnx, IReadOnlyList<string> ClassNames, bool OwnClasses, bool HasLogits,
    IReadOnlyDictionary<string, string> Metadata, bool HasInDistributionScore = false)
{
    /// <summary>
    /// For each Fashion-MNIST class c, the output that scores it (<see cref="CanonicalClassOrder.OutputOf"/>); null when the
    /// outputs are already in the order of <see cref="Classes"/>.
    /// </summary>
    public int[]? OutputOf => OwnClasses ? null : CanonicalClassOrder.OutputOf(ClassNames);

    /// <summary>
    /// What a scorer reports: Fashion-MNIST's ten classes in their official order when <see cref="OutputOf"/> reorders,
    /// else <see cref="ClassNames"/>.
    /// </summary>
    public IReadOnlyList<string> Classes => OutputOf is null ? ClassNames : FashionMnistClasses.Names;

    /// <summary>T of the graph's softmax(logits / T) (1 for a model exported without calibration).</summary>
    public double Temperature =>
        Metadata.TryGetValue(OnnxExporter.TemperatureKey, out string? t)
            && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : 1;

    /// <summary>
    /// True when a scorer speaks of the user's own classes: the metadata says so, or the classes are not Fashion-MNIST's
    /// (a verdict then names no garment).
    /// </summary>
    public bool SpeaksOfOwnClasses => OwnClasses || !Classes.SequenceEqual(FashionMnistClasses.Names);

    /// <summary>The in-distribution score a scorer computes: the stored rule's, else the default logit score (no threshold).</summary>
    public InDistributionScoreKind ScoreKind => InDistributionRule?.Score ?? ModelCalibration.DefaultLogitScore;

    /// <summary>The model's stored in-distribution score and threshold; null for a model exported without them.</summary>
    public InDistributionRule? InDistributionRule =>
        Metadata.TryGetValue(OnnxExporter.InDistributionScoreKey, out string? score) && InDistributionScore.Parse(score) is { } kind
            && Metadata.TryGetValue(OnnxExporter.InDistributionThresholdKey, out string? threshold)
            && double.TryParse(threshold, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? new InDistributionRule(kind, value) : null;
}
