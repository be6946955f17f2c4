using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlNetFashion.Engine.Onnx;

namespace MlNetFashion.Pipeline.Runs;

/// <summary>Runs an exported model over many images in calls of a fixed size and gathers one named output.</summary>
public static class OnnxBatches
{
    /// <summary>
    /// <paramref name="output"/> [count, K] for <paramref name="pixels"/> [count, 784] (pixels / 255), <paramref name="batch"/>
    /// images per <c>Run</c>: ONNX Runtime keeps its largest call's activations in its arena, so the batch bounds memory.
    /// </summary>
    public static float[] Run(InferenceSession session, float[] pixels, int count, int batch, string output)
    {
        ArgumentNullException.ThrowIfNull(session);
        const int size = 28 * 28;
        int classes = session.OutputMetadata.TryGetValue(output, out var metadata) && metadata.Dimensions is [_, > 0 and var k]
            ? k
            : FashionMnistClasses.Count;
        var values = new float[count * classes];
        for (int start = 0; start < count; start += batch)
        {
            int n = Math.Min(batch, count - start);
            var tensor = new DenseTensor<float>(pixels.AsMemory(start * size, n * size), [n, 1, 28, 28]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, tensor)]);
            var found = results.FirstOrDefault(r => r.Name == output)
                ?? throw new InvalidDataException(
                    $"ONNX model: expected an output '{output}', found {string.Join(", ", results.Select(r => $"'{r.Name}'"))}");
            int i = start * classes;
            foreach (float v in found.AsEnumerable<float>()) values[i++] = v;
        }
        return values;
    }
}
