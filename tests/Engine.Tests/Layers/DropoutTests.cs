using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;

namespace MlNetFashion.Engine.Tests.Layers;

public class DropoutTests
{
    private static readonly Shape Features = new(1000);

    [Fact]
    public void ForwardBackward_Training_BackwardUsesTheForwardMask()
    {
        var dropout = (Dropout)LayerHarness.Build(new Dropout(0.3f), Features, batch: 8, seed: 4);
        var random = new EngineRandom(6);
        Tensor x = LayerHarness.RandomTensor(8, Features, random), dy = LayerHarness.RandomTensor(8, Features, random);
        float[] y = dropout.Forward(x, training: true).Span.ToArray();
        float[] dx = dropout.Backward(dy)!.Span.ToArray();
        int dropped = 0;
        for (int i = 0; i < y.Length; i++)
        {
            bool kept = y[i] != 0;
            if (!kept) dropped++;
            Assert.Equal(kept ? x.Data[i] / 0.7f : 0f, y[i], 1e-6f);
            Assert.Equal(kept ? dy.Data[i] / 0.7f : 0f, dx[i], 1e-6f);
        }
        Assert.InRange(dropped / (double)y.Length, 0.27, 0.33);
    }

    [Fact]
    public void Forward_Eval_IsTheIdentity()
    {
        var dropout = LayerHarness.Build(new Dropout(0.5f), Features, batch: 2);
        Tensor x = LayerHarness.RandomTensor(2, Features, new EngineRandom(1));
        Assert.Equal(x.Span.ToArray(), dropout.Forward(x, training: false).Span.ToArray());
    }

    [Fact]
    public void Forward_SameSeed_SameMask_NextCallDiffers()
    {
        Tensor x = LayerHarness.RandomTensor(4, Features, new EngineRandom(2));
        float[] Mask(Dropout d) => d.Forward(x, training: true).Span.ToArray();
        var a = (Dropout)LayerHarness.Build(new Dropout(0.25f), Features, batch: 4, seed: 9);
        var b = (Dropout)LayerHarness.Build(new Dropout(0.25f), Features, batch: 4, seed: 9);
        float[] first = Mask(a);
        Assert.Equal(first, Mask(b));
        Assert.NotEqual(first, Mask(a));
    }
}
