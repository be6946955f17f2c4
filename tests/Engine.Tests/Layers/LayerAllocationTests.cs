using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Activation;
using MlNetFashion.Engine.Layers.Convolution;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Layers.Pooling;
using MlNetFashion.Engine.Losses;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;

namespace MlNetFashion.Engine.Tests.Layers;

/// <summary>Build allocates every buffer; a training step (Forward + Backward) afterwards allocates nothing.</summary>
public class LayerAllocationTests
{
    private static readonly Shape Image = new(8, 10, 9);

    public static TheoryData<string> Cases => new(
        "conv", "conv-stride2", "batchnorm2d", "batchnorm1d", "relu", "leakyrelu", "maxpool", "maxpool-ceil", "avgpool",
        "globalavgpool", "dropout", "flatten", "dense", "standardize", "residual", "residual-projection");

    private static (Layer Layer, Shape Input) Create(string name) => name switch
    {
        "conv" => (new Conv2D(16, 3, 1, Padding.Same), Image),
        "conv-stride2" => (new Conv2D(16, 3, 2, Padding.Same, useBias: false), Image),
        "batchnorm2d" => (new BatchNorm2D(), Image),
        "batchnorm1d" => (new BatchNorm1D(), new Shape(40)),
        "relu" => (new ReLU(), Image),
        "leakyrelu" => (new LeakyReLU(), Image),
        "maxpool" => (new MaxPool2D(2, 2, Padding.Same), Image),
        "maxpool-ceil" => (new MaxPool2D(3, 2, ceilMode: true), Image),
        "avgpool" => (new AvgPool2D(2, 2, Padding.Same), Image),
        "globalavgpool" => (new GlobalAvgPool(), Image),
        "dropout" => (new Dropout(0.25f), Image),
        "flatten" => (new Flatten(), Image),
        "dense" => (new Dense(32), new Shape(40)),
        "standardize" => (new Standardize(0.3f, 0.4f), Image),
        "residual" => (new ResidualBlock(8), Image),
        "residual-projection" => (new ResidualBlock(16, 2), Image),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardBackward_AfterWarmUp_AllocateNothing(string name)
    {
        (Layer layer, Shape input) = Create(name);
        LayerHarness.Build(layer, input, batch: 16);
        var random = new EngineRandom(2);
        Tensor x = LayerHarness.RandomTensor(16, input, random);
        Tensor dy = LayerHarness.RandomTensor(16, layer.OutputShape, random);
        // Warm-up: JIT and one-time lazy state (pool threads) are not per-step costs.
        for (int i = 0; i < 2; i++) Step(layer, x, dy);
        x.SetBatchSize(12);
        dy.SetBatchSize(12);

        // A per-step allocation shows in every step; the runtime's own one-off work (tiered JIT stubs) in at most one:
        // the quietest of three steps must allocate nothing.
        long allocated = long.MaxValue;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Step(layer, x, dy);
            layer.Forward(x, training: false);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(allocated == 0, $"{name}: every training step allocated (at least {allocated} bytes); expected 0");
    }

    private static void Step(Layer layer, Tensor x, Tensor dy)
    {
        layer.Forward(x, training: true);
        layer.Backward(dy);
    }

    [Fact]
    public void SoftmaxCrossEntropy_AfterFirstBatch_AllocatesNothing()
    {
        var loss = new SoftmaxCrossEntropy(0.1f);
        Tensor logits = LayerHarness.RandomTensor(32, new Shape(10), new EngineRandom(3));
        int[] labels = [.. Enumerable.Range(0, 32).Select(i => i % 10)];
        loss.Forward(logits, labels);
        loss.Backward();

        long before = GC.GetAllocatedBytesForCurrentThread();
        loss.Forward(logits, labels);
        loss.Backward();
        loss.CountCorrect(labels);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
