using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Tests.Harness;

/// <summary>
/// Two builds of one net (fused and separate passes, shared and own buffers …) fed the same seeded images and logit
/// gradients, step after step: every logit and every parameter gradient must agree to the bit.
/// </summary>
public static class ModelSteps
{
    /// <param name="pixelShift">Added to uniform [0, 1) pixels: a negative shift gives a ReLU right after the input zeros to mask.</param>
    /// <param name="training">One step per entry, in this mode (eval-mode steps check the passes that skip the batch statistics).</param>
    public static void AssertSameBits(Sequential expected, Sequential actual, string what, ulong seed, float pixelShift,
        params bool[] training)
    {
        int batch = expected.MaxBatchSize, pixels = expected.InputShape.Size, classes = expected.OutputShape.Size;
        var random = new EngineRandom(seed);
        float[] images = [.. Enumerable.Range(0, batch * pixels).Select(_ => random.NextSingle() + pixelShift)];
        float[] gradient = [.. Enumerable.Range(0, batch * classes).Select(_ => random.NextSingle() - 0.5f)];
        foreach (bool mode in training)
        {
            Tensor b = expected.Forward(new Tensor((float[])images.Clone(), batch, expected.InputShape), mode);
            Tensor a = actual.Forward(new Tensor((float[])images.Clone(), batch, actual.InputShape), mode);
            BitAssert.Equal(b.Span, a.Span, $"{what} logits, training {mode}");
            expected.Backward(new Tensor((float[])gradient.Clone(), batch, expected.OutputShape));
            actual.Backward(new Tensor((float[])gradient.Clone(), batch, actual.OutputShape));
            foreach (var (q, p) in expected.Parameters.Zip(actual.Parameters))
                BitAssert.Equal(q.Gradient.Span, p.Gradient.Span, $"{what} gradient of {p.Name}, training {mode}");
        }
    }
}
