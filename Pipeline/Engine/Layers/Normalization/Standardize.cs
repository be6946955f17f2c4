using System.Text.Json.Nodes;
using MlNetFashion.Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Layers.Normalization;

/// <summary>
/// y = (x − mean) / std with fixed constants (e.g. the training set's 0.2860 / 0.3530), no parameters. Putting it in
/// the model keeps the ONNX contract simple: callers always feed pixels / 255.
/// </summary>
public sealed class Standardize : ElementwiseLayer
{
    public Standardize(float mean, float std)
    {
        if (!(std > 0)) throw new ArgumentOutOfRangeException(nameof(std), std, "Standardize: expected a positive std.");
        (Mean, Std) = (mean, std);
    }

    public override string Kind => "Standardize";
    public float Mean { get; }
    public float Std { get; }

    internal override bool ReadsOutputInBackward => false;
    internal override bool ReadsInputInBackward => false;
    internal override bool PassesInputOn => false;

    public override Tensor Forward(Tensor input, bool training)
    {
        Tensor output = OutputFor(input);
        TensorPrimitives.Subtract(input.Span, Mean, output.Span);
        TensorPrimitives.Multiply(output.Span, 1f / Std, output.Span);
        return output;
    }

    public override Tensor? Backward(Tensor outputGradient)
    {
        if (!NeedsInputGradient) return null;
        Tensor inputGradient = InputGradientFor(outputGradient);
        TensorPrimitives.Multiply(outputGradient.Span, 1f / Std, inputGradient.Span);
        return inputGradient;
    }

    public override JsonObject GetConfig() => new() { ["mean"] = Mean, ["std"] = Std };
}
