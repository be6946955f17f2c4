using MlNetFashion.Engine.Models;

namespace MlNetFashion.Engine.Checkpoints;

/// <summary>A copy of every parameter and buffer of a model (best-epoch weights, checkpoints).</summary>
public sealed class WeightsSnapshot
{
    private readonly float[][] _values;

    private WeightsSnapshot(float[][] values) => _values = values;

    public IReadOnlyList<float[]> Values => _values;

    public static WeightsSnapshot Capture(Sequential model)
    {
        var tensors = model.Parameters.Select(p => p.Value).Concat(model.Buffers);
        return new WeightsSnapshot([.. tensors.Select(t => t.Span.ToArray())]);
    }

    /// <summary>Copies into an existing snapshot of the same model without allocating.</summary>
    public void CaptureInto(Sequential model)
    {
        int i = 0;
        foreach (var p in model.Parameters) p.Value.Span.CopyTo(_values[i++]);
        foreach (var b in model.Buffers) b.Span.CopyTo(_values[i++]);
    }

    public static WeightsSnapshot FromValues(IReadOnlyList<float[]> values) => new([.. values]);

    public void Restore(Sequential model)
    {
        var tensors = model.Parameters.Select(p => p.Value).Concat(model.Buffers).ToList();
        if (tensors.Count != _values.Length)
            throw new InvalidDataException($"weights: expected {tensors.Count} tensors for this model. Received {_values.Length}.");
        for (int i = 0; i < tensors.Count; i++)
        {
            if (tensors[i].Length != _values[i].Length)
                throw new InvalidDataException($"weights: tensor {i} expected {tensors[i].Length} values for this model. Received " +
                    $"{_values[i].Length}.");
            _values[i].CopyTo(tensors[i].Span);
        }
    }
}
