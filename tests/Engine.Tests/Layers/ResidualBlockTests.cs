using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Activation;
using MlNetFashion.Engine.Layers.Convolution;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Tests.Layers;

/// <summary>The block must equal its parts wired by hand (each part is gradient-checked on its own).</summary>
public class ResidualBlockTests
{
    [Theory]
    [InlineData(3, 1, true)]
    [InlineData(4, 2, true)]
    [InlineData(4, 2, false)]
    public void ForwardBackward_EqualTheComposedLayers(int filters, int stride, bool training)
    {
        var input = new Shape(3, 7, 6);
        var block = new ResidualBlock(filters, stride) { Name = "block" };
        block.Build(input, 4, new EngineRandom(5));
        var random = new EngineRandom(9);
        LayerHarness.WarmUp(block, 4, random);
        Tensor x = LayerHarness.RandomTensor(4, input, random);
        Tensor y = block.Forward(x, training);
        Tensor dy = LayerHarness.RandomTensor(4, y.SampleShape, random);
        Tensor dx = block.Backward(dy)!;

        // The same computation by hand, through the block's own (shared-weight) children.
        Layer[] main = [block.Conv1, block.Bn1, block.Children[2], block.Conv2, block.Bn2];
        Tensor m = x;
        foreach (Layer layer in main) m = layer.Forward(m, training);
        Tensor skip = block.Projection is null ? x : block.ProjectionBn!.Forward(block.Projection.Forward(x, training), training);
        var sum = new float[m.Length];
        TensorPrimitives.Add(m.Span, skip.Span, sum);
        var expectedY = new float[sum.Length];
        TensorPrimitives.Max(sum, 0f, expectedY);
        AssertClose(expectedY, y.Span.ToArray(), "forward");

        var dSum = new float[sum.Length];
        for (int i = 0; i < sum.Length; i++) dSum[i] = sum[i] > 0 ? dy.Data[i] : 0;
        var dSumTensor = new Tensor(dSum, 4, y.SampleShape);
        Tensor g = dSumTensor;
        for (int i = main.Length - 1; i >= 0; i--) g = main[i].Backward(g)!;
        float[] expectedDx = g.Span.ToArray();
        if (block.Projection is null) TensorPrimitives.Add(expectedDx, dSum, expectedDx);
        else TensorPrimitives.Add(expectedDx, block.Projection.Backward(block.ProjectionBn!.Backward(dSumTensor)!)!.Span, expectedDx);
        AssertClose(expectedDx, dx.Span.ToArray(), "input gradient");
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(4, 2)]
    public void Backward_NoInputGradientNeeded_ReturnsNullWithTheSameWeightGradients(int filters, int stride)
    {
        var input = new Shape(3, 7, 6);
        var random = new EngineRandom(21);
        Tensor x = LayerHarness.RandomTensor(4, input, random);
        float[][] Gradients(bool needInput)
        {
            var block = new ResidualBlock(filters, stride) { Name = "block", NeedsInputGradient = needInput };
            block.Build(input, 4, new EngineRandom(5));
            Tensor y = block.Forward(x, training: true);
            Tensor? dx = block.Backward(LayerHarness.RandomTensor(4, y.SampleShape, new EngineRandom(8)));
            Assert.Equal(needInput, dx is not null);
            return [.. block.Parameters.Select(p => p.Gradient.Span.ToArray())];
        }
        float[][] with = Gradients(true), without = Gradients(false);
        for (int i = 0; i < with.Length; i++) Assert.Equal(with[i], without[i]);
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * Math.Max(1, Math.Abs(expected[i])),
                $"{what}[{i}]: expected {expected[i]}, received {actual[i]}");
    }
}
