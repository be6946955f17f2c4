using System.Text.Json.Nodes;
using MlNetFashion.Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Layers.Normalization;

/// <summary>
/// y = (x − mean) / std with fixed constants (e.g. the training set's 0.2860 / 0.3530), no parameters. Putting it in
/// the model keeps the ONNX contract simple: callers always feed pixels / 255.
/// </summary>
public sealed class Standardize : Layer
{
    private Tensor _output = null!, _inputGradient = null!;

    public Standardize(float mean, float std)
    {
        if (!(std > 0)) throw new ArgumentOutOfRangeException(nameof(std), std, "Standardize: expected a positive std.");
        (Mean, Std) = (mean, std);
    }

    public override string Kind => "Standardize";
    public float Mean { get; }
    public float Std { get; }

    protected override Shape OnBuild(Shape inputShape, int maxBatchSize, EngineRandom random)
    {
        _output = new Tensor(maxBatchSize, inputShape);
        _inputGradient = new Tensor(maxBatchSize, inputShape);
        return inputShape;
    }

    public override Tensor Forward(Tensor input, bool training)
    {
        CheckBatch(input, InputShape);
        _output.SetBatchSize(input.BatchSize);
        TensorPrimitives.Subtract(input.Span, Mean, _output.Span);
        TensorPrimitives.Multiply(_output.Span, 1f / Std, _output.Span);
        return _output;
    }

    public override Tensor? Backward(Tensor outputGradient)
    {
        if (!NeedsInputGradient) return null;
        _inputGradient.SetBatchSize(outputGradient.BatchSize);
        TensorPrimitives.Multiply(outputGradient.Span, 1f / Std, _inputGradient.Span);
        return _inputGradient;
    }

    public override JsonObject GetConfig() => new() { ["mean"] = Mean, ["std"] = Std };
}
