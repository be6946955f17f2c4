using MlNetFashion.Engine.Calibration;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Losses;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Tests;

/// <summary>
/// The engine's checks of a number's range, each given NaN and a value just outside: NaN fails every comparison, so a
/// check written as "x &lt; 0 or x &gt;= 1" let it through.
/// </summary>
public sealed class RangeChecksTests
{
    public static TheoryData<string, string, Action> Checks => new()
    {
        { "Dropout rate NaN", "rate", () => new Dropout(float.NaN) },
        { "Dropout rate 1", "rate", () => new Dropout(1f) },
        { "dropout mask rate NaN", "rate", () => DropoutMask.Fill(new float[16], float.NaN, new EngineRandom(1)) },
        { "dropout mask rate -0.1", "rate", () => DropoutMask.Fill(new float[16], -0.1f, new EngineRandom(1)) },
        { "batch norm momentum NaN", "momentum", () => new BatchNorm2D(momentum: float.NaN) },
        { "batch norm momentum 0", "momentum", () => new BatchNorm2D(momentum: 0) },
        { "batch norm epsilon NaN", "epsilon", () => new BatchNorm2D(epsilon: float.NaN) },
        { "label smoothing NaN", "labelSmoothing", () => new SoftmaxCrossEntropy(float.NaN) },
        { "label smoothing 1", "labelSmoothing", () => new SoftmaxCrossEntropy(1f) },
        { "CutMix λ NaN", "mix", () => new SoftmaxCrossEntropy().Forward(new Tensor(1, new Shape(3)), [0], [1], float.NaN) },
        { "CutMix λ 1.5", "mix", () => new SoftmaxCrossEntropy().Forward(new Tensor(1, new Shape(3)), [0], [1], 1.5f) },
        { "accept rate NaN", "acceptRate", () => InDistributionScore.Threshold([1.0, 2.0, 3.0], double.NaN) },
        { "accept rate 0", "acceptRate", () => InDistributionScore.Threshold([1.0, 2.0, 3.0], 0) },
    };

    [Theory]
    [MemberData(nameof(Checks))]
    public void Check_NaNOrJustOutside_ThrowsNamingTheParameter(string value, string parameter, Action call)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(call);

        Assert.True(error.ParamName == parameter, $"{value}: named '{error.ParamName}'");
    }
}
