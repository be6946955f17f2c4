using System.Text.Json.Nodes;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers.Activation;

/// <summary>y = x for x &gt; 0, α·x otherwise (α = 0: ReLU). Shape-preserving; backward uses the output's sign.</summary>
public abstract class RectifierLayer(float alpha) : Layer
{
    private Tensor _output = null!, _inputGradient = null!;
    private Tensor? _fusedOutput;

    public float Alpha { get; } = alpha >= 0 ? alpha :
        throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Expected a non-negative slope.");

    /// <summary>The preceding batch norm computes this ReLU's output (its output is passed on as this layer's).</summary>
    internal bool FusedIntoPrevious { get; set; }

    /// <summary>The following batch norm's backward includes this ReLU's (the gradient is passed on as it is).</summary>
    internal bool FusedIntoNext { get; set; }

    protected override Shape OnBuild(Shape inputShape, int maxBatchSize, EngineRandom random)
    {
        _output = new Tensor(maxBatchSize, inputShape);
        _inputGradient = new Tensor(maxBatchSize, inputShape);
        return inputShape;
    }

    public override Tensor Forward(Tensor input, bool training)
    {
        CheckBatch(input, InputShape);
        if (FusedIntoPrevious)
        {
            _fusedOutput = input;
            return input;
        }
        _output.SetBatchSize(input.BatchSize);
        if (Alpha == 0) Activations.Relu(input.Span, _output.Span);
        else Activations.LeakyRelu(input.Span, Alpha, _output.Span);
        return _output;
    }

    public override Tensor? Backward(Tensor outputGradient)
    {
        if (!NeedsInputGradient) return null;
        if (FusedIntoNext) return outputGradient;
        _inputGradient.SetBatchSize(outputGradient.BatchSize);
        Tensor output = FusedIntoPrevious ? _fusedOutput! : _output;
        Activations.LeakyReluBackward(output.Span, outputGradient.Span, Alpha, _inputGradient.Span);
        return _inputGradient;
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
