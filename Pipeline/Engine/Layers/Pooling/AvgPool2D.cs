using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers.Pooling;

/// <summary>Average pooling; padded cells are not counted (ONNX count_include_pad = 0).</summary>
public sealed class AvgPool2D(int poolSize, int? stride = null, Padding padding = Padding.Valid, bool ceilMode = false)
    : Pool2D(poolSize, stride, padding, ceilMode)
{
    public override string Kind => "AvgPool2D";

    public override Tensor Forward(Tensor input, bool training)
    {
        Tensor output = OutputFor(input);
        PoolKernel.AverageForward(input.Span, Planes(input), Rows, Cols, output.Span);
        return output;
    }

    public override Tensor? Backward(Tensor outputGradient)
    {
        if (!NeedsInputGradient) return null;
        Tensor inputGradient = InputGradientFor(outputGradient);
        PoolKernel.AverageBackward(outputGradient.Span, Planes(outputGradient), Rows, Cols, inputGradient.Span);
        return inputGradient;
    }
}
