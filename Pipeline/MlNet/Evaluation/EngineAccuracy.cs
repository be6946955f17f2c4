using System.Numerics.Tensors;
using MlNetFashion.Engine.Models;
using MlNetFashion.Pipeline.Data;

namespace MlNetFashion.Pipeline.Evaluation;

/// <summary>How the engine's own weights score, without ONNX or ML.NET in between: one eval-mode pass on each image alone.</summary>
public static class EngineAccuracy
{
    /// <summary>Share of <paramref name="data"/> whose argmax of the model's probabilities is its label (no test-time views).</summary>
    public static double On(Sequential model, FashionMnistSplit data)
    {
        int classes = model.OutputShape.Size, correct = 0;
        var probabilities = new float[data.Count * classes];
        model.Predict(data.ScaledPixels(), data.Count, probabilities);
        for (int i = 0; i < data.Count; i++)
            if (TensorPrimitives.IndexOfMax(probabilities.AsSpan(i * classes, classes)) == data.Labels[i]) correct++;
        return (double)correct / Math.Max(1, data.Count);
    }
}
