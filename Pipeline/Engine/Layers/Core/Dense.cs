using System.Text.Json.Nodes;
using MlNetFashion.Engine.Initializers;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers.Core;

/// <summary>
/// Fully connected: y [N, U] = x [N, I] · Wᵀ + b, with W [U, I] in the PyTorch layout (ONNX Gemm transB = 1).
/// Backward: dW = dyᵀ · x, db = Σₙ dy, dx = dy · W.
/// </summary>
public sealed class Dense : Layer
{
    private readonly Initializer _initializer;
    private Parameter _kernel = null!, _bias = null!;
    private Tensor _input = null!;
    private int _inputs;

    public Dense(int units, bool useBias = true, Initializer? kernelInitializer = null)
    {
        if (units <= 0) throw new ArgumentOutOfRangeException(nameof(units), units, "Dense: expected a positive number of units.");
        (Units, UseBias) = (units, useBias);
        _initializer = kernelInitializer ?? Initializer.GlorotUniform;
    }

    public override string Kind => "Dense";
    public int Units { get; }
    public bool UseBias { get; }
    public Parameter Kernel => _kernel;
    public Parameter? Bias => UseBias ? _bias : null;
    public override IReadOnlyList<Parameter> Parameters => UseBias ? [_kernel, _bias] : [_kernel];

    /// <summary>An unbuilt layer like this one with another number of units (a classifier head for other classes).</summary>
    public Dense WithUnits(int units) => new(units, UseBias, _initializer);

    protected override Shape OnBuild(Shape inputShape, int maxBatchSize, EngineRandom random)
    {
        Require(inputShape.Rank == 1, "a feature shape (F) — add Flatten after convolutions", inputShape);
        _inputs = inputShape[0];
        _kernel = new Parameter("kernel", new Shape(Units, _inputs), decay: true);
        _bias = new Parameter("bias", new Shape(Units), decay: false);
        _initializer.Fill(_kernel.Value.Span, _inputs, Units, random);
        return new Shape(Units);
    }

    // Backward reads the input (dW) but not the output.
    internal override bool ReadsOutputInBackward => false;
    internal override bool PassesInputOn => false;

    public override Tensor Forward(Tensor input, bool training)
    {
        Tensor output = OutputFor(input);
        _input = input;
        int n = input.BatchSize;
        Gemm.Multiply(false, true, n, Units, _inputs, 1f, input.Span, _inputs, _kernel.Value.Span, _inputs, 0f, output.Span, Units);
        if (UseBias) RowBias.Add(output.Span, n, _bias.Value.Span);
        return output;
    }

    public override Tensor? Backward(Tensor outputGradient)
    {
        CheckBatch(outputGradient, OutputShape);
        int n = outputGradient.BatchSize;
        Gemm.Multiply(true, false, Units, _inputs, n, 1f, outputGradient.Span, Units, _input.Span, _inputs, 0f, _kernel.Gradient.Span,
            _inputs);
        if (UseBias) RowBias.SumRows(outputGradient.Span, n, _bias.Gradient.Span);
        if (!NeedsInputGradient) return null;
        Tensor inputGradient = InputGradientFor(outputGradient);
        Gemm.Multiply(false, false, n, _inputs, Units, 1f, outputGradient.Span, Units, _kernel.Value.Span, _inputs, 0f,
            inputGradient.Span, _inputs);
        return inputGradient;
    }

    public override JsonObject GetConfig() => new()
    {
        ["units"] = Units,
        ["useBias"] = UseBias,
        ["kernelInitializer"] = _initializer.Name,
    };
}
