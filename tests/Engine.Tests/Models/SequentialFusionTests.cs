using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Activation;
using MlNetFashion.Engine.Layers.Convolution;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Tests.Models;

/// <summary>
/// Build lets plane batch norms run their neighbouring ReLUs: batch norm → ReLU (fast) in the forward pass, ReLU →
/// batch norm (mcnn-paper) in the backward pass. The fused model must give the bits of the separate passes.
/// </summary>
public class SequentialFusionTests
{
    public static TheoryData<string> Nets => new() { "fast", "mcnn-paper", "best" };

    [Theory]
    [MemberData(nameof(Nets))]
    public void Build_PresetWithBatchNormBesideReLU_FusesThem(string preset)
    {
        Sequential model = Presets.Get(preset).CreateModel().Build(4, new EngineRandom(1));

        var norms = model.Layers.OfType<BatchNorm>().Where(b => b.ReluOutput || b.ReluInput).ToList();
        Assert.NotEmpty(norms);
        Assert.All(norms, b => Assert.True(b.CanFuseRelu));
        // mcnn-paper's last block (2×2 planes) and its dense batch norm stay on the feature path, unfused.
        Assert.All(model.Layers.OfType<BatchNorm>().Where(b => !b.CanFuseRelu), b => Assert.False(b.ReluOutput || b.ReluInput));
    }

    [Theory]
    [MemberData(nameof(Nets))]
    public void Build_ReLUFusedIntoPrevious_AllocatesNoOutputBuffer(string preset)
    {
        const int batch = 16;
        long separateBytes = BuildBytes(preset, batch, fuse: false, out _);
        long fusedBytes = BuildBytes(preset, batch, fuse: true, out Sequential fused);

        // Each such ReLU passes on the buffer of the layer before it: [N, C, H, W] floats fewer (give or take small objects).
        long outputs = fused.Layers.OfType<RectifierLayer>().Where(r => r.FusedIntoPrevious).Sum(r => 4L * batch * r.InputShape.Size);
        Assert.True(outputs > 0, $"{preset}: no ReLU fused into the layer before it");
        Assert.InRange(separateBytes - fusedBytes, outputs - 64 * 1024, outputs + 64 * 1024);
    }

    private static long BuildBytes(string preset, int batch, bool fuse, out Sequential model)
    {
        Sequential unbuilt = Presets.Get(preset).CreateModel();
        unbuilt.FuseActivations = fuse;
        long before = GC.GetAllocatedBytesForCurrentThread();
        model = unbuilt.Build(batch, new EngineRandom(3));
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Theory]
    [MemberData(nameof(Nets))]
    public void ForwardBackward_Fused_SameBitsAsSeparatePasses(string preset)
    {
        const int batch = 5;
        Sequential fused = Build(preset, batch, fuse: true), separate = Build(preset, batch, fuse: false);
        Assert.Contains(separate.Layers, l => l is RectifierLayer);
        Assert.DoesNotContain(separate.Layers.OfType<BatchNorm>(), b => b.ReluOutput || b.ReluInput);
        var random = new EngineRandom(7);
        float[] images = [.. Enumerable.Range(0, batch * 784).Select(_ => random.NextSingle())];
        float[] gradient = [.. Enumerable.Range(0, batch * 10).Select(_ => random.NextSingle() - 0.5f)];

        foreach (bool training in new[] { true, false })
        {
            Tensor a = fused.Forward(new Tensor((float[])images.Clone(), batch, Presets.Input), training);
            Tensor b = separate.Forward(new Tensor((float[])images.Clone(), batch, Presets.Input), training);
            AssertSameBits(b.Span, a.Span, $"{preset} logits, training {training}");
            fused.Backward(new Tensor((float[])gradient.Clone(), batch, new Shape(10)));
            separate.Backward(new Tensor((float[])gradient.Clone(), batch, new Shape(10)));
            foreach (var (p, q) in fused.Parameters.Zip(separate.Parameters))
                AssertSameBits(q.Gradient.Span, p.Gradient.Span, $"{preset} gradient of {p.Name}, training {training}");
        }
        foreach (var (p, q) in fused.Buffers.Zip(separate.Buffers)) AssertSameBits(q.Span, p.Span, $"{preset} running statistics");
    }

    [Fact]
    public void Build_McnnPaper_FirstConvolutionWritesItsReLU()
    {
        Sequential model = Presets.Get("mcnn-paper").CreateModel().Build(4, new EngineRandom(1));

        var first = Assert.IsType<SingleChannelKernel>(model.Layers.OfType<Conv2D>().First().KernelOp);
        Assert.True(first.ReluOutput);
        var relu = Assert.IsType<ReLU>(model.Layers[1]);
        Assert.True(relu.FusedIntoPrevious && relu.FusedIntoNext && !relu.BackwardInPrevious);
    }

    [Fact]
    public void ForwardBackward_FirstConvolutionThenReLUAlone_SameBitsAsSeparatePasses()
    {
        // No batch norm after the ReLU: its backward runs in the ReLU layer, on the convolution's fused output.
        const int batch = 3;
        Sequential Net(bool fuse)
        {
            Sequential model = new Sequential(Presets.Input).Add(new Conv2D(8, 3, padding: Padding.Same)).Add(new ReLU())
                .Add(new Flatten()).Add(new Dense(10));
            model.FuseActivations = fuse;
            return model.Build(batch, new EngineRandom(5));
        }
        Sequential fused = Net(true), separate = Net(false);
        Assert.True(((ReLU)fused.Layers[1]).FusedIntoPrevious);
        var random = new EngineRandom(8);
        float[] images = [.. Enumerable.Range(0, batch * 784).Select(_ => random.NextSingle() - 0.3f)];
        float[] gradient = [.. Enumerable.Range(0, batch * 10).Select(_ => random.NextSingle() - 0.5f)];
        Tensor a = fused.Forward(new Tensor((float[])images.Clone(), batch, Presets.Input), training: true);
        Tensor b = separate.Forward(new Tensor((float[])images.Clone(), batch, Presets.Input), training: true);
        AssertSameBits(b.Span, a.Span, "logits");
        fused.Backward(new Tensor((float[])gradient.Clone(), batch, new Shape(10)));
        separate.Backward(new Tensor((float[])gradient.Clone(), batch, new Shape(10)));
        foreach (var (p, q) in fused.Parameters.Zip(separate.Parameters)) AssertSameBits(q.Gradient.Span, p.Gradient.Span, p.Name);
    }

    [Fact]
    public void ForwardBackward_BatchNormFirstThenReLU_SameBitsAsSeparatePasses()
    {
        // The batch norm needs no dL/dInput as the first layer, but its backward still runs the ReLU's on dy.
        const int batch = 3;
        Sequential Net(bool fuse)
        {
            Sequential model = new Sequential(Presets.Input).Add(new BatchNorm2D()).Add(new ReLU()).Add(new Flatten()).Add(new Dense(10));
            model.FuseActivations = fuse;
            return model.Build(batch, new EngineRandom(6));
        }
        Sequential fused = Net(true), separate = Net(false);
        Assert.True(((BatchNorm)fused.Layers[0]).ReluOutput);
        var random = new EngineRandom(9);
        float[] images = [.. Enumerable.Range(0, batch * 784).Select(_ => random.NextSingle() - 0.5f)];
        float[] gradient = [.. Enumerable.Range(0, batch * 10).Select(_ => random.NextSingle() - 0.5f)];
        fused.Forward(new Tensor((float[])images.Clone(), batch, Presets.Input), training: true);
        separate.Forward(new Tensor((float[])images.Clone(), batch, Presets.Input), training: true);
        fused.Backward(new Tensor((float[])gradient.Clone(), batch, new Shape(10)));
        separate.Backward(new Tensor((float[])gradient.Clone(), batch, new Shape(10)));
        foreach (var (p, q) in fused.Parameters.Zip(separate.Parameters)) AssertSameBits(q.Gradient.Span, p.Gradient.Span, p.Name);
    }

    private static Sequential Build(string preset, int batch, bool fuse)
    {
        Sequential model = Presets.Get(preset).CreateModel();
        model.FuseActivations = fuse;
        return model.Build(batch, new EngineRandom(3));
    }

    private static void AssertSameBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, expected {expected[i]:R}");
    }
}
