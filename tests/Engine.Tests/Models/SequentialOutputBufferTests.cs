using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Activation;
using MlNetFashion.Engine.Layers.Convolution;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Layers.Pooling;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;

namespace MlNetFashion.Engine.Tests.Models;

/// <summary>
/// Build puts the outputs that only the next layer's forward reads in two shared buffers, taken in turn along runs of them.
/// The shared buffers must give the bits of buffers of the layers' own, and such an output must really be dead once the
/// next layer has run its Forward.
/// </summary>
public class SequentialOutputBufferTests
{
    public static TheoryData<string> Nets => new() { "fast", "mcnn-paper", "best", "article-3conv", "two-conv", "mixed" };

    /// <summary>The nets with outputs only the next forward reads, and whether the outputs are shared.</summary>
    public static TheoryData<string, bool> NetsWithDeadOutputs => new()
    {
        { "fast", true }, { "fast", false }, { "mcnn-paper", true }, { "mcnn-paper", false }, { "article-3conv", true },
        { "two-conv", false }, { "mixed", true }, { "mixed", false },
    };

    [Theory]
    [MemberData(nameof(Nets))]
    public void ForwardBackward_SharedOutputs_SameBitsAsBuffersOfTheirOwn(string net)
    {
        Sequential shared = Build(net, 5, share: true), own = Build(net, 5, share: false);

        // Two training steps and an eval-mode one (dropout then passes its input on).
        ModelSteps.AssertSameBits(own, shared, net, seed: 9, pixelShift: 0, true, true, false);
    }

    [Theory]
    [MemberData(nameof(NetsWithDeadOutputs))]
    public void ForwardBackward_DeadOutputsPoisonedAfterTheNextForward_SameBits(string net, bool share)
    {
        const int batch = 4;
        Sequential expected = Build(net, batch, share: false), model = Build(net, batch, share);
        bool[] dead = [.. Enumerable.Range(0, model.Layers.Count).Select(model.OnlyNextForwardReadsOutput)];
        Assert.Contains(true, dead);
        var random = new EngineRandom(13);
        float[] images = [.. Enumerable.Range(0, batch * 784).Select(_ => random.NextSingle())];
        float[] gradient = [.. Enumerable.Range(0, batch * 10).Select(_ => random.NextSingle() - 0.5f)];

        foreach (bool training in new[] { true, true, false })
        {
            Tensor b = expected.Forward(new Tensor((float[])images.Clone(), batch, Presets.Input), training);
            Tensor x = new((float[])images.Clone(), batch, Presets.Input);
            Tensor? deadOutput = null; // poisoned once a layer that does not pass it on has read it
            for (int i = 0; i < model.Layers.Count; i++)
            {
                x = model.Layers[i].Forward(x, training);
                if (deadOutput is not null && !model.Layers[i].PassesInputOn)
                {
                    deadOutput.Span.Fill(float.NaN);
                    deadOutput = null;
                }
                if (dead[i]) deadOutput = x;
            }
            BitAssert.Equal(b.Span, x.Span, $"{net} logits, training {training}");
            expected.Backward(new Tensor((float[])gradient.Clone(), batch, new Shape(10)));
            model.Backward(new Tensor((float[])gradient.Clone(), batch, new Shape(10)));
            foreach (var (q, p) in expected.Parameters.Zip(model.Parameters))
                BitAssert.Equal(q.Gradient.Span, p.Gradient.Span, $"{net} gradient of {p.Name}, training {training}");
        }
    }

    [Theory]
    [MemberData(nameof(Nets))]
    public void Forward_SharedOutputs_NoLayerWritesTheBufferItReads(string net)
    {
        const int batch = 3;
        Sequential model = Build(net, batch, share: true);
        var random = new EngineRandom(5);
        float[] images = [.. Enumerable.Range(0, batch * 784).Select(_ => random.NextSingle())];

        foreach (bool training in new[] { true, false })
        {
            Tensor x = new((float[])images.Clone(), batch, Presets.Input);
            for (int i = 0; i < model.Layers.Count; i++)
            {
                Tensor input = x;
                x = model.Layers[i].Forward(input, training);
                Assert.True(!ReferenceEquals(x.Data, input.Data) || model.Layers[i].PassesInputOn,
                    $"{net}: {model.Layers[i].Name} wrote its output over its input, training {training}");
            }
        }
    }

    [DefaultConvolutionFact]
    public void Build_McnnPaper_SharesTheConvolutionOutputsBeforeAReluAndTheBatchNormOutputsBeforeAPool()
    {
        Sequential model = Build("mcnn-paper", 2, share: true);

        for (int i = 0; i + 1 < model.Layers.Count; i++)
        {
            var (layer, next) = (model.Layers[i], model.Layers[i + 1]);
            // The first convolution computes its ReLU (the ReLU passes that buffer on); the other ReLUs read their own output.
            bool expected = (layer is Conv2D && i > 0 && next is ReLU) || (layer is BatchNorm2D && next is MaxPool2D)
                || (layer is Dense && next is ReLU);
            Assert.True(expected == model.OnlyNextForwardReadsOutput(i), $"{layer.Name} → {next.Name}: expected dead {expected}");
        }
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("best")]
    public void Build_BatchNormReluMaxPool_SharesTheBatchNormOutputs(string net)
    {
        Sequential model = Build(net, 2, share: true);

        for (int i = 0; i + 2 < model.Layers.Count; i++)
        {
            var (layer, relu, pool) = (model.Layers[i], model.Layers[i + 1], model.Layers[i + 2]);
            if (layer is not BatchNorm2D || relu is not ReLU || pool is not MaxPool2D) continue;
            Assert.True(model.OnlyNextForwardReadsOutput(i), $"{net}: {layer.Name} → {relu.Name} → {pool.Name}: expected dead");
            Assert.False(model.OnlyNextForwardReadsOutput(i + 1), $"{net}: {relu.Name} has no buffer of its own");
        }
        Assert.Contains(true, Enumerable.Range(0, model.Layers.Count).Select(model.OnlyNextForwardReadsOutput));
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("mcnn-paper")]
    [InlineData("article-3conv")]
    [InlineData("mixed")]
    public void Build_SharedOutputs_AllocatesLess(string net)
    {
        const int batch = 16;
        Build(net, batch, share: false, out long ownBytes);
        Build(net, batch, share: true, out long sharedBytes);

        Assert.True(sharedBytes < ownBytes, $"{net}: {sharedBytes:N0} bytes with shared outputs, {ownBytes:N0} without");
    }

    private static Sequential Build(string net, int batch, bool share) => Build(net, batch, share, out _);

    private static Sequential Build(string net, int batch, bool share, out long bytes)
    {
        Sequential model = net == "mixed" ? Mixed() : Presets.Get(net).CreateModel();
        model.ShareOutputs = share;
        long before = GC.GetAllocatedBytesForCurrentThread();
        model.Build(batch, new EngineRandom(3));
        bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        return model;
    }

    /// <summary>
    /// Runs of dead outputs (convolution → leaky ReLU; batch norm → max-pool → average pool), a dropout whose output is dead
    /// (in eval mode it passes on its input instead), residual blocks, a dense layer before a ReLU, a dropout at rate 0.
    /// </summary>
    private static Sequential Mixed() => new ModelBuilder(Presets.Input)
        .Standardize(0.3f, 0.4f).Conv2D(8, 3, Padding.Same).LeakyReLU().BatchNorm().MaxPool2D(2).AvgPool2D(3, 1, Padding.Same)
        .Dropout(0.3f).MaxPool2D(2).Residual(8).Residual(16, 2).GlobalAvgPool().Dense(20).ReLU().BatchNorm().Dropout(0f).Dense(10)
        .Build();
}
