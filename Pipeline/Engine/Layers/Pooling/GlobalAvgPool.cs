using System.Text.Json.Nodes;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers.Pooling;

/// <summary>[N, C, H, W] → [N, C]: the mean of each plane (an average pool over the whole plane).</summary>
public sealed class GlobalAvgPool : Layer
{
    private Window _rows, _cols;
    private Tensor _output = null!;

    public override string Kind => "GlobalAvgPool";

    protected override Shape OnBuild(Shape inputShape, int maxBatchSize, EngineRandom random)
    {
        Require(inputShape.Rank == 3, "an image shape (C, H, W)", inputShape);
        (int c, int h, int w) = inputShape.AsImage();
        _rows = Window.Create(h, h, 1, Padding.Valid, false, Kind);
        _cols = Window.Create(w, w, 1, Padding.Valid, false, Kind);
        _output = new Tensor(maxBatchSize, new Shape(c));
        return _output.SampleShape;
    }

    public override Tensor Forward(Tensor input, bool training)
    {
        CheckBatch(input, InputShape);
        _output.SetBatchSize(input.BatchSize);
        PoolKernel.AverageForward(input.Span, input.BatchSize * InputShape[0], _rows, _cols, _output.Span);
        return _output;
    }

    public override Tensor? Backward(Tensor outputGradient)
    {
        if (!NeedsInputGradient) return null;
        Tensor inputGradient = InputGradientFor(outputGradient);
        PoolKernel.AverageBackward(outputGradient.Span, outputGradient.BatchSize * InputShape[0], _rows, _cols, inputGradient.Span);
        return inputGradient;
    }

    public override JsonObject GetConfig() => [];
}
