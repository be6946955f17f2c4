using System.Text.Json.Nodes;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Losses;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;

namespace MlNetFashion.Engine.Tests.Layers;

/// <summary>
/// A small seed001-like network (conv-ReLU-BN-pool ×2, dense-ReLU-BN1D-dense) chained by hand: logits, loss, every
/// parameter gradient and the running statistics against one PyTorch step. (The optimizer updates recorded in the
/// same fixture are checked by the optimizer tests.)
/// </summary>
public class NetworkStepFixtureTests
{
    [Fact]
    public void TrainingStep_MatchesPyTorch()
    {
        JsonObject f = PyTorchFixture.Load("network_step.json");
        int batch = f["batch"]!.GetValue<int>();
        Shape shape = PyTorchFixture.ShapeOf(f["inputShape"]);
        JsonArray entries = f["layers"]!.AsArray();
        var layers = new List<Layer>();
        var random = new EngineRandom(1);
        foreach (JsonNode? entry in entries)
        {
            Layer layer = PyTorchFixture.CreateLayer(entry!["kind"]!.GetValue<string>(), entry["config"]!.AsObject());
            layer.Name = $"layer{layers.Count}";
            layer.NeedsInputGradient = layers.Count > 0;
            shape = layer.Build(shape, batch, random);
            foreach ((string name, JsonNode? values) in entry["params"]!.AsObject())
                PyTorchFixture.Floats(values).CopyTo(PyTorchFixture.FindParameter(layer, name).Value.Span);
            layers.Add(layer);
        }

        Tensor x = PyTorchFixture.TensorOf(f["input"], batch, layers[0].InputShape);
        foreach (Layer layer in layers) x = layer.Forward(x, training: true);
        var loss = new SoftmaxCrossEntropy();
        float value = loss.Forward(x, PyTorchFixture.Ints(f["labels"]));
        Tensor? gradient = loss.Backward();
        for (int i = layers.Count - 1; i >= 0; i--) gradient = layers[i].Backward(gradient!);

        PyTorchFixture.AssertClose(PyTorchFixture.Floats(f["logits"]), x.Span, "logits");
        PyTorchFixture.AssertClose([(float)f["loss"]!.GetValue<double>()], [value], "loss");
        Assert.Null(gradient);
        for (int i = 0; i < layers.Count; i++)
        {
            foreach ((string name, JsonNode? values) in entries[i]!["gradients"]!.AsObject())
                PyTorchFixture.AssertClose(PyTorchFixture.Floats(values), PyTorchFixture.FindParameter(layers[i], name).Gradient.Span, $"layer {i} ({layers[i].Kind}) d{name}");
            if (layers[i] is BatchNorm bn)
            {
                JsonNode after = entries[i]!["buffersAfter"]!;
                PyTorchFixture.AssertClose(PyTorchFixture.Floats(after["runningMean"]), bn.RunningMean.Span, $"layer {i} running mean");
                PyTorchFixture.AssertClose(PyTorchFixture.Floats(after["runningVar"]), bn.RunningVariance.Span, $"layer {i} running variance");
            }
        }
    }
}
