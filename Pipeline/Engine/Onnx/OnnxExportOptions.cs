using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Calibration;

namespace MlNetFashion.Engine.Onnx;

/// <summary>What goes into the exported model besides the graph.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>Fold each BatchNormalization that directly follows a Conv or Gemm into its weights (faster scoring).</summary>
    public bool FoldBatchNorm { get; init; } = true;
    public IReadOnlyList<string> ClassNames { get; init; } = [];
    /// <summary>
    /// The net's name, written as the "preset" metadata: the preset's (<see cref="Models.Preset.Name"/>), or the model
    /// spec file's name without its extension.
    /// </summary>
    public string NetName { get; init; } = "";
    /// <summary>The model's doc string, for people reading the file; null: one giving the input and output shapes.</summary>
    public string? Description { get; init; }
    /// <summary>
    /// How an image becomes the input, the "preprocessing" metadata (a Standardize layer's formula is appended); null:
    /// "input = pixels / 255", the contract of the input.
    /// </summary>
    public string? Preprocessing { get; init; }
    public double? TestAccuracy { get; init; }
    /// <summary>How many test images <see cref="TestAccuracy"/> was measured on (fewer than 10,000 under --limit-test).</summary>
    public int? TestImages { get; init; }
    public DateTimeOffset? TrainingDate { get; init; }
    public string ProducerVersion { get; init; } = typeof(OnnxExporter).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";
    /// <summary>Views to average the logits over inside the graph (test-time augmentation); null: the image alone.</summary>
    public TestTimeViews? TestTimeViews { get; init; }
    /// <summary>
    /// T of temperature scaling: "probabilities" = softmax(logits / T) through a Div node before the Softmax ("logits"
    /// stays the raw logits); 1 leaves the graph as it was. Written as the "temperature" metadata.
    /// </summary>
    public double Temperature { get; init; } = 1;
    /// <summary>The in-distribution score and the threshold a scorer accepts an image at ("ood_score", "ood_threshold"); null: none
    /// stored.</summary>
    public InDistributionRule? InDistribution { get; init; }
    /// <summary>The feature distance the graph computes as its "in_distribution_score" output [N, 1]; null: no such output.</summary>
    public FeatureDistance? FeatureDistance { get; init; }
    /// <summary>Extra metadata_props entries.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}
