using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers.Pooling;

/// <summary>Max pooling; the backward pass routes each gradient to the input cell that won the forward max.</summary>
public sealed class MaxPool2D(int poolSize, int? stride = null, Padding padding = Padding.Valid, bool ceilMode = false)
    : Pool2D(poolSize, stride, padding, ceilMode)
{
    private int[] _argmax = [];

    public override string Kind => "MaxPool2D";

    protected override void OnBuildBuffers(int outputCapacity) => _argmax = new int[outputCapacity];

    public override Tensor Forward(Tensor input, bool training)
    {
        Tensor output = OutputFor(input);
        PoolKernel.MaxForward(input.Span, Planes(input), Rows, Cols, output.Span, _argmax);
        return output;
    }

    public override Tensor? Backward(Tensor outputGradient)
    {
        if (!NeedsInputGradient) return null;
        Tensor inputGradient = InputGradientFor(outputGradient);
        PoolKernel.MaxBackward(outputGradient.Span, _argmax, Planes(outputGradient), Rows, Cols, inputGradient.Span);
        return inputGradient;
    }
}
