using System.Text.Json.Nodes;
using MlNetFashion.Engine.Initializers;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers.Activation;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Layers.Convolution;

/// <summary>
/// A ResNet basic block: y = ReLU(BN(conv3×3(ReLU(BN(conv3×3/s(x))))) + skip(x)), where skip is the identity, or
/// BN(conv1×1/s(x)) when the stride or the channel count changes. Sub-layers are exposed as <see cref="Children"/>
/// in the order Conv1, Bn1, Relu1, Conv2, Bn2, [Projection, ProjectionBn], so summaries and export can walk them.
/// </summary>
public sealed class ResidualBlock : Layer
{
    private readonly Conv2D _conv1, _conv2;
    private readonly BatchNorm2D _bn1, _bn2;
    private readonly ReLU _relu1 = new(), _reluOut = new();
    private Conv2D? _projection;
    private BatchNorm2D? _projectionBn;
    private Tensor _sum = null!;

    public ResidualBlock(int filters, int stride = 1)
    {
        if (filters <= 0)
            throw new ArgumentOutOfRangeException(nameof(filters), filters, "ResidualBlock: expected a positive number of filters.");
        (Filters, Stride) = (filters, stride);
        _conv1 = new Conv2D(filters, 3, stride, Padding.Same, useBias: false, Initializer.HeNormal);
        _bn1 = new BatchNorm2D();
        _conv2 = new Conv2D(filters, 3, 1, Padding.Same, useBias: false, Initializer.HeNormal);
        _bn2 = new BatchNorm2D();
    }

    public override string Kind => "ResidualBlock";

    // The output is the last ReLU's buffer (its backward reads it); the input is read again by the skip path.
    protected internal override bool OwnsOutput => false;
    public int Filters { get; }
    public int Stride { get; }
    public Conv2D Conv1 => _conv1;
    public BatchNorm2D Bn1 => _bn1;
    public Conv2D Conv2 => _conv2;
    public BatchNorm2D Bn2 => _bn2;
    public Conv2D? Projection => _projection;
    public BatchNorm2D? ProjectionBn => _projectionBn;

    public override IReadOnlyList<Layer> Children => _projection is null
        ? [_conv1, _bn1, _relu1, _conv2, _bn2]
        : [_conv1, _bn1, _relu1, _conv2, _bn2, _projection, _projectionBn!];

    public override IReadOnlyList<Parameter> Parameters => [.. Children.SelectMany(l => l.Parameters)];
    public override IReadOnlyList<Tensor> Buffers => [.. Children.SelectMany(l => l.Buffers)];

    protected override Shape OnBuild(Shape inputShape, int maxBatchSize, EngineRandom random)
    {
        Require(inputShape.Rank == 3, "an image shape (C, H, W)", inputShape);
        (string a, string b) = ($"{Name}/conv1", $"{Name}/conv2");
        _conv1.Name = a; _bn1.Name = $"{Name}/bn1"; _relu1.Name = $"{Name}/relu1";
        _conv2.Name = b; _bn2.Name = $"{Name}/bn2"; _reluOut.Name = $"{Name}/relu";
        _conv1.SharedConvolutionScratch = _conv2.SharedConvolutionScratch = SharedConvolutionScratch;
        Shape shape = _conv1.Build(inputShape, maxBatchSize, random);
        shape = _bn1.Build(shape, maxBatchSize, random);
        shape = _relu1.Build(shape, maxBatchSize, random);
        shape = _conv2.Build(shape, maxBatchSize, random);
        shape = _bn2.Build(shape, maxBatchSize, random);
        if (Stride != 1 || inputShape[0] != Filters)
        {
            _projection = new Conv2D(Filters, 1, Stride, Padding.Same, useBias: false, Initializer.HeNormal)
            { Name = $"{Name}/projection", SharedConvolutionScratch = SharedConvolutionScratch };
            _projectionBn = new BatchNorm2D { Name = $"{Name}/projection_bn" };
            Shape projected = _projectionBn.Build(_projection.Build(inputShape, maxBatchSize, random), maxBatchSize, random);
            Require(projected.Equals(shape), $"the projection to match the main path {shape}", projected);
        }
        _reluOut.Build(shape, maxBatchSize, random);
        _sum = new Tensor(maxBatchSize, shape);
        return shape;
    }

    public override Tensor Forward(Tensor input, bool training)
    {
        CheckBatch(input, InputShape);
        Tensor main = _bn2.Forward(_conv2.Forward(_relu1.Forward(_bn1.Forward(_conv1.Forward(input, training), training), training),
            training), training);
        Tensor skip = _projection is null ? input : _projectionBn!.Forward(_projection.Forward(input, training), training);
        _sum.SetBatchSize(input.BatchSize);
        TensorPrimitives.Add(main.Span, skip.Span, _sum.Span);
        return _reluOut.Forward(_sum, training);
    }

    public override Tensor? Backward(Tensor outputGradient)
    {
        // The convolutions that read the block's input skip their dx when nobody needs it (the block is first).
        _conv1.NeedsInputGradient = NeedsInputGradient;
        if (_projection is not null) _projection.NeedsInputGradient = NeedsInputGradient;
        Tensor dSum = _reluOut.Backward(outputGradient)!;
        Tensor? dMain = _conv1.Backward(_bn1.Backward(_relu1.Backward(_conv2.Backward(_bn2.Backward(dSum)!)!)!)!);
        Tensor? dSkip = _projection is null ? dSum : _projection.Backward(_projectionBn!.Backward(dSum)!);
        if (!NeedsInputGradient) return null;
        Tensor inputGradient = InputGradientFor(outputGradient);
        TensorPrimitives.Add(dMain!.Span, dSkip!.Span, inputGradient.Span);
        return inputGradient;
    }

    public override JsonObject GetConfig() => new() { ["filters"] = Filters, ["stride"] = Stride };
}
