using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Pipeline.Transforms;
using PixelInput = MlNetFashion.Scoring.Classification.FashionClassifier.PixelInput;

namespace MlNetFashion.Scoring.Classification;

/// <summary>
/// The classifier's ML.NET path: Pixels → ScalePixels → ONNX transformer asked for "probabilities", "logits" and, when
/// the graph computes one, "in_distribution_score", so one ONNX Runtime run per image gives the class probabilities and
/// the in-distribution score (or its input, the logits). The outputs
/// are the graph's own, in its output order. ML.NET's PredictionEngine is not thread-safe: engines are pooled and each
/// call borrows one.
/// </summary>
internal sealed class EnginePool : IDisposable
{
    private const string FeaturesColumn = "Features";
    private readonly ITransformer _model;
    private readonly ObjectPool<PredictionEngine<PixelInput, NetworkOutput>> _engines;

    public EnginePool(MLContext ml, ModelGraph graph, int? gpuDeviceId)
    {
        string[] outputs =
        [
            OnnxExporter.ProbabilitiesName,
            .. graph.HasLogits ? [OnnxExporter.LogitsName] : Array.Empty<string>(),
            .. graph.HasInDistributionScore ? [OnnxExporter.InDistributionScoreName] : Array.Empty<string>(),
        ];
        IDataView schema = ml.Data.LoadFromEnumerable(new[] { new PixelInput { Pixels = new byte[FashionMnistSplit.ImageSize] } });
        // ApplyOnnxModel(Stream) leaves its temp copy behind; from a file of our own, which ONNX Runtime has read once the
        // session exists, nothing is left.
        string file = Path.Combine(Path.GetTempPath(), $"mlnetfashion-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(file, graph.Onnx);
        try
        {
            _model = ml.Transforms.ScalePixels()
                .Append(ml.Transforms.CopyColumns(OnnxExporter.InputName, FeaturesColumn))
                .Append(ml.Transforms.ApplyOnnxModel(outputs, [OnnxExporter.InputName], file, gpuDeviceId))
                .Fit(schema);
        }
        finally
        {
            File.Delete(file);
        }
        _engines = new DefaultObjectPool<PredictionEngine<PixelInput, NetworkOutput>>(new EnginePolicy(ml, _model),
            Environment.ProcessorCount * 4);
    }

    /// <summary>The graph's outputs for 784 raw pixels; Logits is empty for a graph without them.</summary>
    public NetworkOutput Run(byte[] pixels)
    {
        var engine = _engines.Get();
        try
        {
            return engine.Predict(new PixelInput { Pixels = pixels });
        }
        finally
        {
            _engines.Return(engine);
        }
    }

    public void Dispose() => (_model as IDisposable)?.Dispose();

    /// <summary>One image's outputs, [K] each.</summary>
    public sealed class NetworkOutput
    {
        [ColumnName(OnnxExporter.ProbabilitiesName)]
        public float[] Probabilities { get; set; } = [];

        [ColumnName(OnnxExporter.LogitsName)]
        public float[] Logits { get; set; } = [];

        /// <summary>[1]: the graph's own in-distribution score (a feature distance); empty for a graph without it.</summary>
        [ColumnName(OnnxExporter.InDistributionScoreName)]
        public float[] InDistributionScore { get; set; } = [];
    }

    private sealed class EnginePolicy(MLContext ml, ITransformer model) : IPooledObjectPolicy<PredictionEngine<PixelInput, NetworkOutput>>
    {
        // A graph without logits or a score of its own leaves those outputs empty.
        public PredictionEngine<PixelInput, NetworkOutput> Create() =>
            ml.Model.CreatePredictionEngine<PixelInput, NetworkOutput>(model, ignoreMissingColumns: true);

        public bool Return(PredictionEngine<PixelInput, NetworkOutput> engine) => true;
    }
}
