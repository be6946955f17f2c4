using System.Text.Json.Nodes;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Losses;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Tensors;
using static MlNetFashion.Engine.Tests.Harness.PyTorchFixture;

namespace MlNetFashion.Engine.Tests.Optimizers;

/// <summary>
/// One full training step of a small network against PyTorch: forward, loss, backward, then two optimizer steps
/// (Adam; SGD with Nesterov momentum), weight decay on kernels only.
/// </summary>
public class NetworkStepTests
{
    private static readonly Dictionary<string, (int Layer, string Name)> Map = new()
    {
        ["conv.weight"] = (0, "kernel"), ["bn.weight"] = (1, "gamma"), ["bn.bias"] = (1, "beta"),
        ["fc.weight"] = (5, "kernel"), ["fc.bias"] = (5, "bias"),
    };

    [Theory]
    [InlineData("adam")]
    [InlineData("sgd")]
    public void TwoSteps_MatchPyTorch(string optimizerName)
    {
        JsonObject f = Load("network_step_" + optimizerName);
        Sequential model = new ModelBuilder(new Shape(1, 8, 8)).Conv2D(4, 3, Padding.Same, useBias: false).BatchNorm().ReLU().MaxPool2D(2).Flatten().Dense(10).Build();
        Tensor x = Tensor(f["input"]!);
        int[] labels = [.. f["labels"]!.AsArray().Select(v => (int)v!)];
        model.Build(x.BatchSize, new EngineRandom(1));
        Parameter P(string torchName) => model.Layers[Map[torchName].Layer].Parameters.Single(p => p.Name == Map[torchName].Name);
        foreach (var (name, value) in f["before"]!.AsObject()) Data(value!).CopyTo(P(name).Value.Span);
        Optimizer optimizer = optimizerName == "adam" ? new Adam(0.001f) : new Sgd(0.9f, nesterov: true, weightDecay: 0.001f);
        float lr = (float)(double)f["optimizer"]!["lr"]!;
        var loss = new SoftmaxCrossEntropy(10, x.BatchSize);
        for (int step = 0; step < 2; step++)
        {
            Tensor logits = model.Forward(x, training: true);
            float value = loss.Forward(logits, labels);
            if (step == 0)
            {
                AssertClose(f["first"]!["logits"]!, logits.Span, "logits");
                Assert.Equal((double)f["first"]!["loss"]!, value, 4);
            }
            model.Backward(loss.Backward());
            if (step == 0)
                foreach (var (name, grad) in f["first"]!["grads"]!.AsObject()) AssertClose(grad!, P(name).Gradient.Span, name + " gradient");
            optimizer.Step(model.Parameters, lr);
        }
        foreach (var (name, value) in f["afterTwoSteps"]!.AsObject()) AssertClose(value!, P(name).Value.Span, name + " after two steps");
    }
}
