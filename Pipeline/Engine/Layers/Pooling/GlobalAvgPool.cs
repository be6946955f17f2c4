using System.Text.Json.Nodes;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers.Pooling;

/// <summary>[N, C, H, W] → [N, C]: the mean of each plane (an average pool over the whole plane).</summary>
public sealed class GlobalAvgPool : Layer
{
    private Window _rows, _cols;

    public override string Kind => "GlobalAvgPool";

    protected override Shape OnBuild(Shape inputShape, int maxBatchSize, EngineRandom random)
    {
        Require(inputShape.Rank == 3, "an image shape (C, H, W)", inputShape);
        (int c, int h, int w) = inputShape.AsImage();
        _rows = Window.Create(h, h, 1, Padding.Valid, false, Kind);
        _cols = Window.Create(w, w, 1, Padding.Valid, false, Kind);
        return new Shape(c);
    }

    internal override bool ReadsOutputInBackward => false;
    internal override bool ReadsInputInBackward => false;
    internal override bool PassesInputOn => false;

    public override Tensor Forward(Tensor input, bool training)
    {
        Tensor output = OutputFor(input);
        PoolKernel.AverageForward(input.Span, input.BatchSize * InputShape[0], _rows, _cols, output.Span);
        return output;
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
