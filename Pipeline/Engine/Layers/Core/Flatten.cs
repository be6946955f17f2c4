using System.Text.Json.Nodes;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers.Core;

/// <summary>[N, C, H, W] → [N, C·H·W]: the same floats seen with another shape (no copy).</summary>
public sealed class Flatten : Layer
{
    // Backward's views: its output gradient lies in one of its model's two input-gradient buffers (or a buffer of its own).
    private Tensor? _output, _inputGradient, _otherInputGradient;

    public override string Kind => "Flatten";

    protected override bool WritesInputGradient => false;
    protected internal override bool OwnsOutput => false;
    internal override bool ReadsOutputInBackward => false;
    internal override bool ReadsInputInBackward => false;

    protected override Shape OnBuild(Shape inputShape, int maxBatchSize, EngineRandom random) => new(inputShape.Size);

    public override Tensor Forward(Tensor input, bool training)
    {
        CheckBatch(input, InputShape);
        _output = View(_output, input, OutputShape);
        return _output;
    }

    public override Tensor? Backward(Tensor outputGradient)
    {
        if (!NeedsInputGradient) return null;
        if (_inputGradient is not null && !ReferenceEquals(_inputGradient.Data, outputGradient.Data))
            (_inputGradient, _otherInputGradient) = (_otherInputGradient, _inputGradient);
        _inputGradient = View(_inputGradient, outputGradient, InputShape);
        return _inputGradient;
    }

    /// <summary>A tensor over <paramref name="source"/>'s storage; created once per storage array, then reused.</summary>
    private static Tensor View(Tensor? cached, Tensor source, Shape shape)
    {
        if (cached is null || !ReferenceEquals(cached.Data, source.Data)) cached = new Tensor(source.Data, source.MaxBatchSize, shape);
        cached.SetBatchSize(source.BatchSize);
        return cached;
    }

    public override JsonObject GetConfig() => [];
}
