using System.Text.Json.Nodes;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers.Activation;

/// <summary>y = x for x &gt; 0, α·x otherwise (α = 0: ReLU). Shape-preserving; backward uses the output's sign.</summary>
public abstract class RectifierLayer(float alpha) : ElementwiseLayer
{
    public float Alpha { get; } = alpha >= 0 ? alpha :
        throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Expected a non-negative slope.");

    private Tensor? _fusedOutput;

    /// <summary>The preceding layer (a batch norm, or the direct one-channel convolution) computes this ReLU's output, passed
    /// on as this layer's. Set before Build: such a ReLU has no output buffer of its own.</summary>
    internal bool FusedIntoPrevious { get; set; }

    protected internal override bool OwnsOutput => !FusedIntoPrevious;

    /// <summary>The preceding batch norm's backward includes this ReLU's (the gradient is passed on as it is).</summary>
    internal bool BackwardInPrevious { get; set; }

    /// <summary>The following batch norm's backward includes this ReLU's (the gradient is passed on as it is).</summary>
    internal bool FusedIntoNext { get; set; }

    // Backward reads the output's sign unless a batch norm beside it runs it; a ReLU computed by the layer before it passes
    // that layer's buffer on and reads it as its output.
    internal override bool ReadsOutputInBackward => !FusedIntoNext && !BackwardInPrevious;
    internal override bool ReadsInputInBackward => FusedIntoPrevious && !BackwardInPrevious;
    internal override bool PassesInputOn => FusedIntoPrevious;

    public override Tensor Forward(Tensor input, bool training)
    {
        if (FusedIntoPrevious)
        {
            CheckBatch(input, InputShape);
            _fusedOutput = input;
            return input;
        }
        Tensor output = OutputFor(input);
        if (Alpha == 0) Activations.Relu(input.Span, output.Span);
        else Activations.LeakyRelu(input.Span, Alpha, output.Span);
        return output;
    }

    public override Tensor? Backward(Tensor outputGradient)
    {
        if (!NeedsInputGradient) return null;
        if (FusedIntoNext || BackwardInPrevious) return outputGradient;
        Tensor inputGradient = InputGradientFor(outputGradient);
        Tensor output = FusedIntoPrevious ? _fusedOutput! : Output;
        Activations.LeakyReluBackward(output.Span, outputGradient.Span, Alpha, inputGradient.Span);
        return inputGradient;
    }
}

/// <summary>y = max(x, 0)</summary>
public sealed class ReLU() : RectifierLayer(0f)
{
    public override string Kind => "ReLU";
    public override JsonObject GetConfig() => [];
}

/// <summary>y = x if x &gt; 0 else α·x</summary>
public sealed class LeakyReLU(float alpha = 0.01f) : RectifierLayer(alpha)
{
    public override string Kind => "LeakyReLU";
    public override JsonObject GetConfig() => new() { ["alpha"] = Alpha };
}
