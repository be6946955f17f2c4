using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlNetFashion.Engine.Calibration;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Pipeline.Runs;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace MlNetFashion.Scoring.Classification;

/// <summary>
/// The model's ONNX graph in a plain ONNX Runtime session, beside ML.NET's engines: it gives the raw "logits" the
/// in-distribution score is computed from and scores the occluded copies of an explanation in one run. Run is
/// thread-safe in ONNX Runtime, so one session serves every caller.
/// </summary>
internal sealed class ModelSession : IDisposable
{
    private const int Pixels = 28 * 28;
    private readonly InferenceSession _session;
    private readonly int[]? _outputOf;

    public ModelSession(string path, int? intraOpThreads)
    {
        byte[] onnx = path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ? ModelFile.OnnxInZip(path) : File.ReadAllBytes(path);
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        options.IntraOpNumThreads = intraOpThreads ?? Environment.ProcessorCount;
        _session = new InferenceSession(onnx, options);
        Dictionary<string, string> metadata = _session.ModelMetadata.CustomMetadataMap;
        _outputOf = CanonicalClassOrder.OutputOf(ModelFile.ClassNames(_session.ModelMetadata));
        Temperature = metadata.TryGetValue(OnnxExporter.TemperatureKey, out string? t) && double.TryParse(t, NumberStyles.Float,
            CultureInfo.InvariantCulture, out double tv) ? tv : 1;
        if (metadata.TryGetValue(OnnxExporter.InDistributionScoreKey, out string? score) && InDistributionScore.Parse(score) is { } kind
            && metadata.TryGetValue(OnnxExporter.InDistributionThresholdKey, out string? threshold)
            && double.TryParse(threshold, NumberStyles.Float, CultureInfo.InvariantCulture, out double th))
            Rule = new InDistributionRule(kind, th);
        if (Rule is { } rule && !InDistributionScore.FromLogits(rule.Score)
            && !_session.OutputMetadata.ContainsKey(OnnxExporter.InDistributionScoreName))
        {
            _session.Dispose();
            throw new InvalidDataException($"{Path.GetFileName(path)}: the model's in-distribution score is " +
                $"{InDistributionScore.Name(rule.Score)} but it has no output '{OnnxExporter.InDistributionScoreName}'");
        }
    }

    /// <summary>T of the graph's softmax(logits / T) (1 for a model exported without calibration).</summary>
    public double Temperature { get; }

    /// <summary>The model's stored score and threshold; null for a model exported without them.</summary>
    public InDistributionRule? Rule { get; }

    /// <summary>
    /// The named output [count, K] for count images of pixels / 255: a Fashion-MNIST model's in Fashion-MNIST's class
    /// order, any other model's in its own (a one-column output, the in-distribution score, as it is).
    /// </summary>
    public float[] Run(float[] scaled, int count, string output)
    {
        var tensor = new DenseTensor<float>(scaled.AsMemory(0, count * Pixels), [count, 1, 28, 28]);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, tensor)], [output]);
        var scores = (DenseTensor<float>)results[0].AsTensor<float>();
        int classes = scores.Dimensions[1];
        float[] values = scores.Buffer.Span[..(count * classes)].ToArray();
        if (_outputOf is not null && classes > 1) CanonicalClassOrder.ReorderRows(_outputOf, values);
        return values;
    }

    public void Dispose() => _session.Dispose();
}
