using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers.Normalization;

/// <summary>Batch normalization over [N, C, H, W]: statistics per channel over N·H·W values.</summary>
public sealed class BatchNorm2D(float momentum = 0.1f, float epsilon = 1e-5f) : BatchNorm(momentum, epsilon)
{
    public override string Kind => "BatchNorm2D";

    protected override (int Channels, int Length) Layout(Shape inputShape)
    {
        Require(inputShape.Rank == 3, "an image shape (C, H, W)", inputShape);
        return (inputShape[0], inputShape[1] * inputShape[2]);
    }
}
