using System.Text.Json.Nodes;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Activation;
using MlNetFashion.Engine.Layers.Convolution;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Layers.Pooling;
using MlNetFashion.Engine.Losses;
using MlNetFashion.Engine.Tensors;
using static MlNetFashion.Engine.Tests.Harness.PyTorchFixture;

namespace MlNetFashion.Engine.Tests.Layers;

/// <summary>Every layer kind against PyTorch 1.13: forward, input gradient, parameter gradients, running statistics.</summary>
public class PyTorchLayerTests
{
    public static TheoryData<string> Cases => new(
        "conv2d_same_3x3", "conv2d_valid_stride2", "batchnorm2d_train", "batchnorm2d_eval", "batchnorm1d_train", "maxpool2d_3_stride2_ceil",
        "maxpool2d_2", "maxpool2d_2_same", "avgpool2d_3_stride2_ceil", "linear", "leakyrelu");

    private static Layer Create(string name) => name switch
    {
        "conv2d_same_3x3" => new Conv2D(4, 3, 1, Padding.Same),
        "conv2d_valid_stride2" => new Conv2D(3, 3, 2),
        "batchnorm2d_train" or "batchnorm2d_eval" => new BatchNorm2D(),
        "batchnorm1d_train" => new BatchNorm1D(),
        "maxpool2d_3_stride2_ceil" => new MaxPool2D(3, 2, ceilMode: true),
        "maxpool2d_2" => new MaxPool2D(2),
        "maxpool2d_2_same" => new MaxPool2D(2, 2, Padding.Same),
        "avgpool2d_3_stride2_ceil" => new AvgPool2D(3, 2, ceilMode: true),
        "linear" => new Dense(4),
        "leakyrelu" => new LeakyReLU(0.1f),
        _ => throw new ArgumentException(name),
    };

    /// <summary>PyTorch parameter / buffer names → the engine's.</summary>
    private static string EngineName(string torch) => torch switch
    {
        "weight" => "kernel|gamma",
        "bias" => "bias|beta",
        _ => torch,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardBackward_MatchPyTorch(string name)
    {
        JsonObject f = Load(name);
        Tensor x = Tensor(f["input"]!);
        bool training = (bool)f["training"]!;
        Layer layer = Create(name);
        layer.Name = name;
        layer.Build(x.SampleShape, x.BatchSize, new EngineRandom(1));
        foreach (var (torchName, value) in f["params"]!.AsObject())
        {
            Parameter p = layer.Parameters.Single(p => EngineName(torchName).Split('|').Contains(p.Name));
            Data(value!["value"]!).CopyTo(p.Value.Span);
        }
        if (layer is BatchNorm bn && !training)
        {
            // The eval fixture set its running statistics before the forward pass (and eval leaves them unchanged).
            Data(f["buffersAfter"]!["running_mean"]!).CopyTo(bn.RunningMean.Span);
            Data(f["buffersAfter"]!["running_var"]!).CopyTo(bn.RunningVariance.Span);
        }
        Tensor y = layer.Forward(x, training);
        AssertClose(f["output"]!, y.Span, "output");
        Tensor? dx = layer.Backward(Tensor(f["projection"]!));
        AssertClose(f["inputGrad"]!, dx!.Span, "input gradient");
        foreach (var (torchName, value) in f["params"]!.AsObject())
        {
            Parameter p = layer.Parameters.Single(p => EngineName(torchName).Split('|').Contains(p.Name));
            AssertClose(value!["grad"]!, p.Gradient.Span, torchName + " gradient");
        }
        if (layer is BatchNorm norm && training)
        {
            AssertClose(f["buffersAfter"]!["running_mean"]!, norm.RunningMean.Span, "running mean");
            AssertClose(f["buffersAfter"]!["running_var"]!, norm.RunningVariance.Span, "running variance");
        }
    }

    [Fact]
    public void SoftmaxCrossEntropy_LabelSmoothing_MatchesPyTorch()
    {
        JsonObject f = Load("softmax_cross_entropy_ls01");
        Tensor logits = Tensor(f["logits"]!);
        int[] labels = [.. f["labels"]!.AsArray().Select(v => (int)v!)];
        var loss = new SoftmaxCrossEntropy(10, logits.BatchSize, labelSmoothing: 0.1f);
        float value = loss.Forward(logits, labels);
        Assert.Equal((double)f["loss"]!, value, 4);
        AssertClose(f["logitsGrad"]!, loss.Backward().Span, "logits gradient");
    }
}
