using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;

namespace MlNetFashion.Engine.Tests.Models;

/// <summary>
/// Build gives a model's layers two shared buffers for their input gradients: each layer reads its output gradient from
/// one and writes into the other. The shared buffers must give the bits of buffers of the layers' own.
/// </summary>
public class SequentialInputGradientTests
{
    public static TheoryData<string> Nets => new() { "fast", "mcnn-paper", "best", "article-3conv", "mixed" };

    [Theory]
    [MemberData(nameof(Nets))]
    public void ForwardBackward_SharedInputGradients_SameBitsAsBuffersOfTheirOwn(string net)
    {
        Sequential shared = Build(net, 5, share: true), own = Build(net, 5, share: false);

        // Two training steps and an eval-mode one (dropout then passes the gradient on as it came).
        ModelSteps.AssertSameBits(own, shared, net, seed: 7, pixelShift: 0, true, true, false);
    }

    [Theory]
    [MemberData(nameof(Nets))]
    public void Backward_SharedInputGradients_UsesTwoBuffersAndNeverWritesIntoItsOwnOutputGradient(string net)
    {
        const int batch = 3;
        Sequential model = Build(net, batch, share: true);
        var random = new EngineRandom(5);
        Tensor input = new([.. Enumerable.Range(0, batch * 784).Select(_ => random.NextSingle())], batch, Presets.Input);
        Tensor? g = new([.. Enumerable.Range(0, batch * 10).Select(_ => random.NextSingle() - 0.5f)], batch, new Shape(10));
        model.Forward(input, training: true);

        var storages = new HashSet<float[]>(ReferenceEqualityComparer.Instance);
        for (int i = model.Layers.Count - 1; i >= 0 && g is not null; i--)
        {
            Tensor outputGradient = g;
            g = model.Layers[i].Backward(outputGradient);
            if (g is null) continue;
            storages.Add(g.Data);
            bool passedOn = ReferenceEquals(g, outputGradient) || model.Layers[i] is Flatten;
            Assert.True(passedOn || !ReferenceEquals(g.Data, outputGradient.Data),
                $"{net}: {model.Layers[i].Name} wrote its input gradient over its output gradient");
        }

        Assert.Equal(2, storages.Count);
    }

    private static Sequential Build(string net, int batch, bool share)
    {
        Sequential model = net == "mixed" ? Mixed() : Presets.Get(net).CreateModel();
        model.ShareInputGradients = share;
        return model.Build(batch, new EngineRandom(3));
    }

    /// <summary>Every layer kind, passes-through included: residual blocks, a flatten view, dropouts, an unfused 1-D batch norm.</summary>
    private static Sequential Mixed() => new ModelBuilder(Presets.Input)
        .Standardize(0.3f, 0.4f).Conv2D(8, 3, Padding.Same).LeakyReLU().Residual(8).Residual(16, 2).AvgPool2D(2)
        .Dropout(0.3f).Flatten().Dense(20).ReLU().BatchNorm().Dropout(0f).Dense(10).Build();
}
