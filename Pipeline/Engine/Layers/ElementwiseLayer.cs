using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers;

/// <summary>
/// A shape-preserving layer that maps each value on its own (an activation, a fixed affine map, a dropout mask): its
/// output and input gradient have the input's shape [N, …]; its output buffer is sized at build for the largest batch.
/// </summary>
public abstract class ElementwiseLayer : Layer
{
    protected override Shape OnBuild(Shape inputShape, int maxBatchSize, EngineRandom random) => inputShape;
}
