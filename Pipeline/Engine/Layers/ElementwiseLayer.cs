using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers;

/// <summary>
/// A shape-preserving layer that maps each value on its own (an activation, a fixed affine map, a dropout mask): its
/// output and input gradient have the input's shape [N, …]; its output buffer is sized at build for the largest batch.
/// </summary>
public abstract class ElementwiseLayer : Layer
{
    private Tensor? _output;

    /// <summary>
    /// False for a layer whose Forward passes on a buffer of the layer before it (a ReLU that layer computes): Build then
    /// allocates no output buffer, read at build time.
    /// </summary>
    protected virtual bool OwnsOutput => true;

    protected override Shape OnBuild(Shape inputShape, int maxBatchSize, EngineRandom random)
    {
        _output = OwnsOutput ? new Tensor(maxBatchSize, inputShape) : null;
        return inputShape;
    }

    /// <summary>The output buffer as Forward last filled it.</summary>
    protected Tensor Output => _output ?? throw NoOutput();

    /// <summary>The output buffer at <paramref name="input"/>'s batch size, once its shape is checked against the build.</summary>
    protected Tensor OutputFor(Tensor input)
    {
        CheckBatch(input, InputShape);
        Tensor output = Output;
        output.SetBatchSize(input.BatchSize);
        return output;
    }

    private InvalidOperationException NoOutput() => IsBuilt
        ? new($"{Kind} '{Name}' was built without an output buffer (its work is fused into the layer before it).")
        : new($"{Kind} '{Name}' is not built yet: call Build (the model does it from its input shape).");
}
