using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Pipeline.Runs;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace MlNetFashion.Scoring.Classification;

/// <summary>
/// The model's ONNX graph in a plain ONNX Runtime session, for explanations: it scores an image's occluded copies in one
/// batched run, which ML.NET's transformer (one row per run) cannot. Run is thread-safe in ONNX Runtime, so one session
/// serves every caller.
/// </summary>
internal sealed class ModelSession : IDisposable
{
    private const int Pixels = 28 * 28;
    private readonly InferenceSession _session;
    private readonly int[]? _outputOf;

    public ModelSession(ModelGraph graph, SessionOptions options)
    {
        _session = new InferenceSession(graph.Onnx, options);
        _outputOf = graph.OutputOf;
    }

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
