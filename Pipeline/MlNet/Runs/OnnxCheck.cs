using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Calibration;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Pipeline.Data;

namespace MlNetFashion.Pipeline.Runs;

/// <summary>max |p_engine − p_onnxruntime| over the first <c>count</c> test images: the export's correctness check.</summary>
public static class OnnxCheck
{
    /// <summary>
    /// Images per ONNX Runtime call. ONNX Runtime keeps the activations of its largest call in its arena: one call of
    /// 1,000 images held ~450 MB for the best net (its first layer alone writes 48 × 28 × 28 floats per image), which
    /// made this check the peak of a whole training run's memory.
    /// </summary>
    private const int Batch = 100;   // images × views

    /// <summary>The largest |p_engine − p_onnx| over <paramref name="count"/> images; with <paramref name="views"/>, the
    /// engine side averages the same views as the graph; p_engine = softmax(logits / <paramref name="temperature"/>), as
    /// the graph's calibrated "probabilities".</summary>
    public static double MaxAbsDifference(Sequential model, byte[] onnx, FashionMnistSplit images, int count, TestTimeViews? views = null,
        double temperature = 1)
    {
        int classes = model.OutputShape.Size;
        float[] pixels = images.Take(count).ScaledPixels();
        var logits = new float[count * classes];
        if (views is null) model.PredictLogits(pixels, count, logits);
        else views.PredictLogits(model, pixels, count, logits);
        var expected = new float[count * classes];
        TemperatureScaling.Softmax(logits, classes, temperature, expected);
        using var session = new InferenceSession(onnx);
        int batch = Math.Max(1, Batch / (views?.Views.Count ?? 1));   // the graph stacks the views: V·n images per call
        float[] actual = OnnxBatches.Run(session, pixels, count, batch, OnnxExporter.ProbabilitiesName);
        double max = 0;
        for (int i = 0; i < actual.Length; i++) max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        return max;
    }
}
