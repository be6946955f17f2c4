using System.Text.Json.Nodes;
using MlNetFashion.Engine.Initializers;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers.Convolution;

/// <summary>
/// 2-D convolution, [N, C, H, W] → [N, F, Ho, Wo], by the kernel ConvolutionAlgorithm picks
/// for its geometry (Winograd F(2×2, 3×3) or cache-blocked im2col + GEMM).
/// Weights use the PyTorch/ONNX layout: kernel [F, C, k, k], bias [F].
/// </summary>
public sealed class Conv2D : Layer
{
    private readonly Initializer _initializer;
    private Parameter _kernel = null!, _bias = null!;
    private Window _rows, _cols;
    private IConvolutionKernel _kernelOp = null!;

    /// <summary>The kernel the build picked (tests check the recipe's choice reaches it).</summary>
    internal IConvolutionKernel KernelOp => _kernelOp;
    private Tensor _input = null!;

    public Conv2D(int filters, int kernelSize, int stride = 1, Padding padding = Padding.Valid, bool useBias = true,
        Initializer? kernelInitializer = null)
    {
        if (filters <= 0) throw new ArgumentOutOfRangeException(nameof(filters), filters, "Conv2D: expected a positive number of filters.");
        if (kernelSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "Conv2D: expected a positive kernel size.");
        if (stride <= 0) throw new ArgumentOutOfRangeException(nameof(stride), stride, "Conv2D: expected a positive stride.");
        (Filters, KernelSize, Stride, Padding, UseBias) = (filters, kernelSize, stride, padding, useBias);
        _initializer = kernelInitializer ?? Initializer.GlorotUniform;
    }

    public override string Kind => "Conv2D";
    public int Filters { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public Padding Padding { get; }
    public bool UseBias { get; }
    public Parameter Kernel => _kernel;
    public Parameter? Bias => UseBias ? _bias : null;
    public int PadTop => _rows.PadBefore;
    public int PadBottom => _rows.PadAfter;
    public int PadLeft => _cols.PadBefore;
    public int PadRight => _cols.PadAfter;

    public override IReadOnlyList<Parameter> Parameters => UseBias ? [_kernel, _bias] : [_kernel];

    protected override Shape OnBuild(Shape inputShape, int maxBatchSize, EngineRandom random)
    {
        Require(inputShape.Rank == 3, "an image shape (C, H, W)", inputShape);
        (int c, int h, int w) = inputShape.AsImage();
        _rows = Window.Create(h, KernelSize, Stride, Padding, false, $"Conv2D '{Name}' height");
        _cols = Window.Create(w, KernelSize, Stride, Padding, false, $"Conv2D '{Name}' width");
        _kernel = new Parameter("kernel", new Shape(Filters, c, KernelSize, KernelSize), decay: true);
        _bias = new Parameter("bias", new Shape(Filters), decay: false);
        _initializer.Fill(_kernel.Value.Span, fanIn: c * KernelSize * KernelSize, fanOut: Filters * KernelSize * KernelSize, random);
        _kernelOp = ConvolutionAlgorithm.Create(c, Filters, _rows, _cols, Parallelism.Threads, SharedConvolutionScratch);
        return new Shape(Filters, _rows.Output, _cols.Output);
    }

    // Backward reads the input (dW) but not the output.
    internal override bool ReadsOutputInBackward => false;
    internal override bool PassesInputOn => false;

    public override Tensor Forward(Tensor input, bool training)
    {
        Tensor output = OutputFor(input);
        _input = input;
        ReadOnlySpan<float> bias = UseBias ? _bias.Value.Span : default;
        // A batch norm on the output asked for its planes' sums: the direct and Winograd kernels give them in training.
        PlaneSums? sums = output.PlaneSums;
        if (sums is not null) sums.Batch = 0;
        if (training && sums is not null && _kernelOp is IPlaneSumsKernel withSums)
        {
            withSums.Forward(input.Span, input.BatchSize, _kernel.Value.Span, bias, output.Span, sums.Values);
            sums.Batch = input.BatchSize;
        }
        else _kernelOp.Forward(input.Span, input.BatchSize, _kernel.Value.Span, bias, output.Span);
        return output;
    }

    public override Tensor? Backward(Tensor outputGradient)
    {
        CheckBatch(outputGradient, OutputShape);
        Tensor? inputGradient = NeedsInputGradient ? InputGradientFor(outputGradient) : null;
        _kernelOp.Backward(_input.Span, outputGradient.BatchSize, _kernel.Value.Span, outputGradient.Span, _kernel.Gradient.Span,
            UseBias ? _bias.Gradient.Span : default, inputGradient is null ? default : inputGradient.Span);
        return inputGradient;
    }

    public override JsonObject GetConfig() => new()
    {
        ["filters"] = Filters,
        ["kernelSize"] = KernelSize,
        ["stride"] = Stride,
        ["padding"] = Padding == Padding.Same ? "same" : "valid",
        ["useBias"] = UseBias,
        ["kernelInitializer"] = _initializer.Name,
    };
}
