using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Activation;
using MlNetFashion.Engine.Layers.Convolution;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Layers.Pooling;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;

namespace MlNetFashion.Engine.Tests.Layers;

public class LayerGradientTests
{
    private static readonly Shape Image = new(3, 7, 6);

    public static TheoryData<string> Cases => new(CaseNames);
    private static readonly string[] CaseNames =
    [
        "conv3-same", "conv3-valid", "conv2-stride2-same", "conv1-nobias", "conv3-stride2-valid",
        "batchnorm2d-train", "batchnorm2d-eval", "batchnorm1d-train", "batchnorm1d-eval",
        "relu", "leakyrelu", "maxpool2", "maxpool2-same", "maxpool3-stride2-ceil", "avgpool2-same", "avgpool3-stride2-ceil",
        "globalavgpool", "flatten", "dense", "dense-nobias", "standardize", "dropout-rate0-train", "dropout-eval",
        "residual-identity-train", "residual-projection-train", "residual-projection-eval",
    ];

    private static (Layer Layer, Shape Input, bool Training) Create(string name) => name switch
    {
        "conv3-same" => (new Conv2D(4, 3, 1, Padding.Same), Image, true),
        "conv3-valid" => (new Conv2D(4, 3), Image, true),
        "conv2-stride2-same" => (new Conv2D(5, 2, 2, Padding.Same), Image, true),
        "conv1-nobias" => (new Conv2D(2, 1, useBias: false), Image, true),
        "conv3-stride2-valid" => (new Conv2D(3, 3, 2), Image, true),
        "batchnorm2d-train" => (new BatchNorm2D(), Image, true),
        "batchnorm2d-eval" => (new BatchNorm2D(), Image, false),
        "batchnorm1d-train" => (new BatchNorm1D(), new Shape(9), true),
        "batchnorm1d-eval" => (new BatchNorm1D(), new Shape(9), false),
        "relu" => (new ReLU(), Image, true),
        "leakyrelu" => (new LeakyReLU(0.1f), Image, true),
        "maxpool2" => (new MaxPool2D(2), Image, true),
        "maxpool2-same" => (new MaxPool2D(2, 2, Padding.Same), Image, true),
        "maxpool3-stride2-ceil" => (new MaxPool2D(3, 2, ceilMode: true), Image, true),
        "avgpool2-same" => (new AvgPool2D(2, 2, Padding.Same), Image, true),
        "avgpool3-stride2-ceil" => (new AvgPool2D(3, 2, ceilMode: true), Image, true),
        "globalavgpool" => (new GlobalAvgPool(), Image, true),
        "flatten" => (new Flatten(), Image, true),
        "dense" => (new Dense(5), new Shape(8), true),
        "dense-nobias" => (new Dense(5, useBias: false), new Shape(8), true),
        "standardize" => (new Standardize(0.3f, 0.4f), Image, true),
        // Dropout's mask changes every training Forward, so the check runs where it is fixed: rate 0, and eval (identity).
        "dropout-rate0-train" => (new Dropout(0f), Image, true),
        "dropout-eval" => (new Dropout(0.5f), Image, false),
        "residual-identity-train" => (new ResidualBlock(3), Image, true),
        "residual-projection-train" => (new ResidualBlock(4, 2), Image, true),
        "residual-projection-eval" => (new ResidualBlock(4, 2), Image, false),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_MatchesFiniteDifferences(string name)
    {
        (Layer layer, Shape input, bool training) = Create(name);
        if (!training) LayerHarness.WarmUp(LayerHarness.Build(layer, input, 4), 4, new EngineRandom(3));
        // Residual blocks have ReLUs inside whose inputs cannot be kept off the kink: a smaller step makes crossing rare,
        // and the harness skips (and counts) the entries whose difference straddles one.
        double step = layer is ResidualBlock ? 1e-3 : 1e-2;
        LayerHarness.CheckGradients(layer, input, batch: 4, training, seed: name.Length, step: step);
    }
}
