using System.Text.Json.Nodes;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;

namespace MlNetFashion.Engine.Tests.Layers;

/// <summary>
/// Every layer kind against PyTorch (tests/fixtures/pytorch/layers): output, input gradient, parameter gradients,
/// batch-norm running statistics. The loss's fixtures in the same folder are checked by SoftmaxCrossEntropyTests.
/// </summary>
public class PyTorchLayerTests
{
    public static TheoryData<string> Cases => new(PyTorchFixture.Names("layers")
        .Where(name => PyTorchFixture.Kind(PyTorchFixture.Load($"layers/{name}")) != "SoftmaxCrossEntropy"));

    [Fact]
    public void Cases_CoverEveryLayerKind()
    {
        string[] kinds = [.. PyTorchFixture.Names("layers").Select(name => PyTorchFixture.Kind(PyTorchFixture.Load($"layers/{name}")))];
        string[] expected = ["Conv2D", "BatchNorm2D", "BatchNorm1D", "ReLU", "LeakyReLU", "MaxPool2D", "AvgPool2D",
            "GlobalAvgPool", "Flatten", "Standardize", "Dense", "ResidualBlock", "SoftmaxCrossEntropy"];
        Assert.Empty(expected.Except(kinds));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardBackward_MatchPyTorch(string name)
    {
        JsonObject f = PyTorchFixture.Load($"layers/{name}");
        int batch = f["batch"]!.GetValue<int>();
        bool training = f["training"]!.GetValue<bool>();
        Shape inputShape = PyTorchFixture.ShapeOf(f["inputShape"]);
        Layer layer = LayerHarness.Build(PyTorchFixture.CreateLayer(PyTorchFixture.Kind(f), f["config"]!.AsObject()), inputShape, batch);
        Assert.Equal(PyTorchFixture.ShapeOf(f["outputShape"]), layer.OutputShape);
        PyTorchFixture.SetParameters(layer, f["params"]);
        if (layer is BatchNorm bn && f["buffersBefore"] is JsonObject before)
        {
            PyTorchFixture.Floats(before["runningMean"]).CopyTo(bn.RunningMean.Span);
            PyTorchFixture.Floats(before["runningVar"]).CopyTo(bn.RunningVariance.Span);
        }

        Tensor output = layer.Forward(PyTorchFixture.TensorOf(f["input"], batch, inputShape), training);
        Tensor? inputGradient = layer.Backward(PyTorchFixture.TensorOf(f["outputGradient"], batch, layer.OutputShape));

        PyTorchFixture.AssertClose(PyTorchFixture.Floats(f["output"]), output.Span, $"{name} output");
        Assert.NotNull(inputGradient);
        PyTorchFixture.AssertClose(PyTorchFixture.Floats(f["inputGradient"]), inputGradient.Span, $"{name} input gradient");
        PyTorchFixture.AssertParameters(f["paramGradients"], layer, gradients: true, name);
        if (layer is BatchNorm norm && f["buffersAfter"] is JsonObject after) PyTorchFixture.AssertRunningStatistics(after, norm, name);
    }
}
