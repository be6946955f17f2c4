using System.Text.Json.Nodes;
using MlNetFashion.Engine.Initializers;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers.Convolution;

/// <summary>
/// 2-D convolution, [N, C, H, W] → [N, F, Ho, Wo], as im2col + one GEMM over the whole batch:
/// col [C·k·k, N·Ho·Wo]; Y' [F, N·Ho·Wo] = W [F, C·k·k] · col; then Y' → NCHW with the bias added.
/// Weights use the PyTorch/ONNX layout: kernel [F, C, k, k], bias [F].
/// </summary>
public sealed class Conv2D : Layer
{
    private readonly Initializer _initializer;
    private Parameter _kernel = null!, _bias = null!;
    private Window _rows, _cols;
    private int _channels, _patch, _outPlane;
    private float[] _col = [], _channelMajor = [], _dCol = [];
    private Tensor _output = null!, _inputGradient = null!, _input = null!;

    public Conv2D(int filters, int kernelSize, int stride = 1, Padding padding = Padding.Valid, bool useBias = true, Initializer? kernelInitializer = null)
    {
        if (filters <= 0) throw new ArgumentOutOfRangeException(nameof(filters), filters, "Conv2D: expected a positive number of filters.");
        if (kernelSize <= 0) throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "Conv2D: expected a positive kernel size.");
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
        _channels = c;
        _patch = c * KernelSize * KernelSize;
        _outPlane = _rows.Output * _cols.Output;
        _kernel = new Parameter("kernel", new Shape(Filters, c, KernelSize, KernelSize), decay: true);
        _bias = new Parameter("bias", new Shape(Filters), decay: false);
        _initializer.Fill(_kernel.Value.Span, fanIn: _patch, fanOut: Filters * KernelSize * KernelSize, random);
        int columns = maxBatchSize * _outPlane;
        _col = new float[_patch * columns];
        _channelMajor = new float[Filters * columns];
        _dCol = new float[_patch * columns];
        var outputShape = new Shape(Filters, _rows.Output, _cols.Output);
        _output = new Tensor(maxBatchSize, outputShape);
        _inputGradient = new Tensor(maxBatchSize, inputShape);
        return outputShape;
    }

    public override Tensor Forward(Tensor input, bool training)
    {
        CheckBatch(input, InputShape);
        _input = input;
        int n = input.BatchSize, columns = n * _outPlane;
        Im2Col.Unfold(input.Span, n, _channels, _rows, _cols, _col);
        Gemm.Multiply(false, false, Filters, columns, _patch, 1f, _kernel.Value.Span, _patch, _col, columns, 0f, _channelMajor, columns);
        _output.SetBatchSize(n);
        ChannelMajor.ToBatchMajor(_channelMajor, UseBias ? _bias.Value.Span : default, n, Filters, _outPlane, _output.Span);
        return _output;
    }

    public override Tensor? Backward(Tensor outputGradient)
    {
        int n = outputGradient.BatchSize, columns = n * _outPlane;
        // dY [N, F, L] → dY' [F, N·L] (and dBias = Σ dY' rows); dW = dY' · colᵀ; dcol = Wᵀ · dY'; dX = col2im(dcol).
        ChannelMajor.ToChannelMajor(outputGradient.Span, n, Filters, _outPlane, _channelMajor, UseBias ? _bias.Gradient.Span : default);
        Gemm.Multiply(false, true, Filters, _patch, columns, 1f, _channelMajor, columns, _col, columns, 0f, _kernel.Gradient.Span, _patch);
        if (!NeedsInputGradient) return null;
        Gemm.Multiply(true, false, _patch, columns, Filters, 1f, _kernel.Value.Span, _patch, _channelMajor, columns, 0f, _dCol, columns);
        _inputGradient.SetBatchSize(n);
        Im2Col.Fold(_dCol, n, _channels, _rows, _cols, _inputGradient.Span);
        return _inputGradient;
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
