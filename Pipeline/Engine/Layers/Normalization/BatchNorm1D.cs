using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers.Normalization;

/// <summary>Batch normalization over [N, F]: statistics per feature over the batch.</summary>
public sealed class BatchNorm1D(float momentum = 0.1f, float epsilon = 1e-5f) : BatchNorm(momentum, epsilon)
{
    public override string Kind => "BatchNorm1D";

    protected override (int Channels, int Length) Layout(Shape inputShape)
    {
        Require(inputShape.Rank == 1, "a feature shape (F)", inputShape);
        return (inputShape[0], 1);
    }
}
