using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers;

/// <summary>
/// A shape-preserving layer that maps each value on its own (an activation, a fixed affine map, a dropout mask): its
/// output and input gradient have the input's shape [N, …]; its output buffer is sized at build for the largest batch.
/// </summary>
public abstract class ElementwiseLayer : Layer
{
    private Tensor _output = null!;

    protected override Shape OnBuild(Shape inputShape, int maxBatchSize, EngineRandom random)
    {
        _output = new Tensor(maxBatchSize, inputShape);
        return inputShape;
    }

    /// <summary>The output buffer as Forward last filled it.</summary>
    protected Tensor Output => _output;

    /// <summary>The output buffer at <paramref name="input"/>'s batch size, once its shape is checked against the build.</summary>
    protected Tensor OutputFor(Tensor input)
    {
        CheckBatch(input, InputShape);
        _output.SetBatchSize(input.BatchSize);
        return _output;
    }
}
