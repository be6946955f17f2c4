using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Activation;
using MlNetFashion.Engine.Layers.Convolution;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;

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

    [DefaultConvolutionTheory]
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
        unbuilt.ShareOutputs = false; // an unfused ReLU changes which outputs could share a buffer
        long before = GC.GetAllocatedBytesForCurrentThread();
        model = unbuilt.Build(batch, new EngineRandom(3));
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Theory]
    [MemberData(nameof(Nets))]
    public void ForwardBackward_Fused_SameBitsAsSeparatePasses(string preset)
    {
        Sequential fused = Build(preset, 5, fuse: true), separate = Build(preset, 5, fuse: false);
        Assert.Contains(separate.Layers, l => l is RectifierLayer);
        Assert.DoesNotContain(separate.Layers.OfType<BatchNorm>(), b => b.ReluOutput || b.ReluInput);

        ModelSteps.AssertSameBits(separate, fused, preset, seed: 7, pixelShift: 0, true, false);
        foreach (var (p, q) in fused.Buffers.Zip(separate.Buffers)) BitAssert.Equal(q.Span, p.Span, $"{preset} running statistics");
    }

    [DefaultConvolutionFact]
    public void Build_McnnPaper_FirstConvolutionWritesItsReLU()
    {
        Sequential model = Presets.Get("mcnn-paper").CreateModel().Build(4, new EngineRandom(1));

        var first = Assert.IsType<SingleChannelKernel>(model.Layers.OfType<Conv2D>().First().KernelOp);
        Assert.True(first.ReluOutput);
        var relu = Assert.IsType<ReLU>(model.Layers[1]);
        Assert.True(relu.FusedIntoPrevious && relu.FusedIntoNext && !relu.BackwardInPrevious);
    }

    [DefaultConvolutionFact]
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
        ModelSteps.AssertSameBits(separate, fused, "conv → ReLU", seed: 8, pixelShift: -0.3f, true);
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
        ModelSteps.AssertSameBits(separate, fused, "batch norm → ReLU", seed: 9, pixelShift: -0.5f, true);
    }

    private static Sequential Build(string preset, int batch, bool fuse)
    {
        Sequential model = Presets.Get(preset).CreateModel();
        model.FuseActivations = fuse;
        return model.Build(batch, new EngineRandom(3));
    }
}
