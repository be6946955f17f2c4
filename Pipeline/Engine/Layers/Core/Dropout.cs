using System.Text.Json.Nodes;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers.Core;

/// <summary>
/// Inverted dropout: in training each value is kept with probability 1 − rate and scaled by 1/(1 − rate), so eval is
/// the identity. The mask is drawn from the run's RNG (deterministic for a seed).
/// </summary>
public sealed class Dropout : ElementwiseLayer
{
    private EngineRandom _random = null!;
    private ushort[] _keep = []; // the mask as one bit a value (DropoutMask.FillAndApply)
    private bool _lastTraining;

    public Dropout(float rate)
    {
        if (!(rate >= 0 && rate < 1)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "Dropout: expected a rate in [0, 1).");
        Rate = rate;
    }

    public override string Kind => "Dropout";
    public float Rate { get; }

    protected override Shape OnBuild(Shape inputShape, int maxBatchSize, EngineRandom random)
    {
        _random = random;
        _keep = new ushort[DropoutMask.KeepWords(maxBatchSize * inputShape.Size)];
        return base.OnBuild(inputShape, maxBatchSize, random);
    }

    // Backward reads only the mask; in eval mode (or at rate 0) Forward returns its input.
    internal override bool ReadsOutputInBackward => false;
    internal override bool ReadsInputInBackward => false;

    public override Tensor Forward(Tensor input, bool training)
    {
        Tensor output = OutputFor(input);
        _lastTraining = training && Rate > 0;
        if (!_lastTraining) return input;
        DropoutMask.FillAndApply(input.Span, _keep, Rate, _random, output.Span);
        return output;
    }

    public override Tensor? Backward(Tensor outputGradient)
    {
        if (!NeedsInputGradient) return null;
        if (!_lastTraining) return outputGradient;
        Tensor inputGradient = InputGradientFor(outputGradient);
        DropoutMask.Apply(outputGradient.Span, _keep, Rate, inputGradient.Span);
        return inputGradient;
    }

    public override JsonObject GetConfig() => new() { ["rate"] = Rate };
}
