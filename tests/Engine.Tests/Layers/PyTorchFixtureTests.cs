using System.Text.Json.Nodes;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;

namespace MlNetFashion.Engine.Tests.Layers;

/// <summary>Every layer kind against PyTorch: output, input gradient, parameter gradients, batch-norm running statistics.</summary>
public class PyTorchFixtureTests
{
    public static TheoryData<string> Cases => new(PyTorchFixture.LayerCases(kind => kind != "SoftmaxCrossEntropy"));

    [Fact]
    public void Cases_CoverEveryLayerKind()
    {
        string[] kinds = [.. PyTorchFixture.LayerCases(_ => true).Select(c => PyTorchFixture.Load($"layers/{c}.json")["kind"]!.GetValue<string>()).Distinct()];
        string[] expected = ["Conv2D", "BatchNorm2D", "BatchNorm1D", "ReLU", "LeakyReLU", "MaxPool2D", "AvgPool2D", "GlobalAvgPool",
            "Flatten", "Standardize", "Dense", "ResidualBlock", "SoftmaxCrossEntropy"];
        Assert.Empty(expected.Except(kinds));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardBackward_MatchPyTorch(string name)
    {
        JsonObject f = PyTorchFixture.Load($"layers/{name}.json");
        int batch = f["batch"]!.GetValue<int>();
        bool training = f["training"]!.GetValue<bool>();
        Shape inputShape = PyTorchFixture.ShapeOf(f["inputShape"]);
        Layer layer = PyTorchFixture.CreateLayer(f["kind"]!.GetValue<string>(), f["config"]!.AsObject());
        layer.Name = name;
        Shape outputShape = layer.Build(inputShape, batch, new EngineRandom(1));
        Assert.Equal(PyTorchFixture.ShapeOf(f["outputShape"]), outputShape);
        foreach ((string param, JsonNode? values) in f["params"]!.AsObject())
            PyTorchFixture.Floats(values).CopyTo(PyTorchFixture.FindParameter(layer, param).Value.Span);
        if (layer is BatchNorm bn && f["buffersBefore"] is JsonObject before)
        {
            PyTorchFixture.Floats(before["runningMean"]).CopyTo(bn.RunningMean.Span);
            PyTorchFixture.Floats(before["runningVar"]).CopyTo(bn.RunningVariance.Span);
        }

        Tensor output = layer.Forward(PyTorchFixture.TensorOf(f["input"], batch, inputShape), training);
        PyTorchFixture.AssertClose(PyTorchFixture.Floats(f["output"]), output.Span, $"{name} output");
        Tensor? inputGradient = layer.Backward(PyTorchFixture.TensorOf(f["outputGradient"], batch, outputShape));
        PyTorchFixture.AssertClose(PyTorchFixture.Floats(f["inputGradient"]), inputGradient!.Span, $"{name} input gradient");
        foreach ((string param, JsonNode? values) in f["paramGradients"]!.AsObject())
            PyTorchFixture.AssertClose(PyTorchFixture.Floats(values), PyTorchFixture.FindParameter(layer, param).Gradient.Span, $"{name} d{param}");
        if (layer is BatchNorm norm && f["buffersAfter"] is JsonObject after)
        {
            PyTorchFixture.AssertClose(PyTorchFixture.Floats(after["runningMean"]), norm.RunningMean.Span, $"{name} running mean");
            PyTorchFixture.AssertClose(PyTorchFixture.Floats(after["runningVar"]), norm.RunningVariance.Span, $"{name} running variance");
        }
    }
}
