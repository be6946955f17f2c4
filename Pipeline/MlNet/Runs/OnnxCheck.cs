using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Pipeline.Data;

namespace MlNetFashion.Pipeline.Runs;

/// <summary>max |p_engine − p_onnxruntime| over the first <c>count</c> test images: the export's correctness check.</summary>
public static class OnnxCheck
{
    public static double MaxAbsDifference(Sequential model, byte[] onnx, FashionMnistSplit images, int count)
    {
        float[] pixels = images.Take(count).ScaledPixels();
        var expected = new float[count * 10];
        model.Predict(pixels, count, expected);
        using var session = new InferenceSession(onnx);
        var tensor = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(pixels, [count, 1, 28, 28]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, tensor)]);
        float[] actual = [.. results.First(r => r.Name == OnnxExporter.ProbabilitiesName).AsEnumerable<float>()];
        double max = 0;
        for (int i = 0; i < expected.Length; i++) max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        return max;
    }
}
