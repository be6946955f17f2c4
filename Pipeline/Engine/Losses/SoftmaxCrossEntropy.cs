using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Losses;

/// <summary>
/// Softmax and cross-entropy fused (numerically stable, and the gradient is simply p − t):
/// p = softmax(z); t = (1 − ε)·onehot(label) + ε/K; L = −(1/N)·Σₙ Σₖ tₙₖ·log pₙₖ; dL/dz = (p − t)/N. After CutMix the target
/// of a row is λ·t(label) + (1 − λ)·t(mixed label) (<see cref="Forward(Tensor, ReadOnlySpan{int}, ReadOnlySpan{int}, float)"/>).
/// </summary>
public sealed class SoftmaxCrossEntropy
{
    private Tensor _probabilities = null!, _gradient = null!;
    private int[] _labels = [], _mixedLabels = [];
    private float _mix = 1f;
    private bool _mixed;

    /// <summary>
    /// The contract form: buffers are sized by the first Forward's logits (their capacity and class count) and
    /// reused after that, so steps after the first allocate nothing.
    /// </summary>
    public SoftmaxCrossEntropy(float labelSmoothing = 0)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing < 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing,
                "SoftmaxCrossEntropy: expected label smoothing in [0, 1).");
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>Allocates for <paramref name="classes"/> × <paramref name="maxBatchSize"/> up front.</summary>
    public SoftmaxCrossEntropy(int classes, int maxBatchSize, float labelSmoothing = 0) : this(labelSmoothing)
        => Allocate(classes, maxBatchSize);

    /// <summary>Number of classes K (0 until the first Forward when built with the one-argument constructor).</summary>
    public int Classes { get; private set; }
    public float LabelSmoothing { get; }
    /// <summary>softmax(logits) of the last Forward, [N, K].</summary>
    public Tensor Probabilities => _probabilities;

    private void Allocate(int classes, int maxBatchSize)
    {
        if (classes <= 0 || maxBatchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(classes),
                $"SoftmaxCrossEntropy: expected positive classes and batch size. Received {classes} and {maxBatchSize}.");
        Classes = classes;
        _probabilities = new Tensor(maxBatchSize, new Shape(classes));
        _gradient = new Tensor(maxBatchSize, new Shape(classes));
        _labels = new int[maxBatchSize];
        _mixedLabels = new int[maxBatchSize];
    }

    /// <summary>Mean loss over the batch; keeps probabilities and labels for Backward.</summary>
    public float Forward(Tensor logits, ReadOnlySpan<int> labels) => Forward(logits, labels, [], 1f);

    /// <summary>
    /// Mean loss over the batch against targets λ·t(labels[n]) + (1 − λ)·t(mixedLabels[n]), λ = <paramref name="mix"/>
    /// (CutMix; <paramref name="mixedLabels"/> empty: the labels alone); keeps what Backward needs.
    /// </summary>
    public float Forward(Tensor logits, ReadOnlySpan<int> labels, ReadOnlySpan<int> mixedLabels, float mix)
    {
        int n = logits.BatchSize;
        if (Classes == 0) Allocate(logits.SampleSize, logits.MaxBatchSize);
        if (logits.SampleSize != Classes || labels.Length != n || n > _labels.Length || (!mixedLabels.IsEmpty && mixedLabels.Length != n))
            throw new ArgumentException($"SoftmaxCrossEntropy: expected logits [N ≤ {_labels.Length}, {Classes}] and N labels. " +
                $"Received {logits} and {labels.Length} labels.");
        if (!(mix >= 0 && mix <= 1)) throw new ArgumentOutOfRangeException(nameof(mix), mix, "SoftmaxCrossEntropy: expected λ in [0, 1].");
        _probabilities.SetBatchSize(n);
        labels.CopyTo(_labels);
        mixedLabels.CopyTo(_mixedLabels);
        (_mixed, _mix) = (!mixedLabels.IsEmpty, mix);
        return (float)(SoftmaxCrossEntropyKernel.Forward(logits.Span, labels, mixedLabels, mix, Classes, LabelSmoothing,
            _probabilities.Span) / n);
    }

    /// <summary>dL/dlogits [N, K] = (p − t)/N.</summary>
    public Tensor Backward()
    {
        int n = _probabilities.BatchSize;
        _gradient.SetBatchSize(n);
        ReadOnlySpan<int> mixed = _mixed ? _mixedLabels.AsSpan(0, n) : [];
        SoftmaxCrossEntropyKernel.Backward(_probabilities.Span, _labels.AsSpan(0, n), mixed, _mix, Classes, LabelSmoothing, 1f / n,
            _gradient.Span);
        return _gradient;
    }

    /// <summary>How many rows of the last Forward have their largest probability at <paramref name="labels"/>.</summary>
    public int CountCorrect(ReadOnlySpan<int> labels)
    {
        if (labels.Length != _probabilities.BatchSize)
            throw new ArgumentException($"SoftmaxCrossEntropy.CountCorrect: expected {_probabilities.BatchSize} labels (the last batch). " +
                $"Received {labels.Length}.");
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (TensorPrimitives.IndexOfMax(_probabilities.Sample(i)) == labels[i]) correct++;
        }
        return correct;
    }

    /// <summary>How many rows of the last Forward have their largest probability at the label it was given.</summary>
    public int CountCorrect()
    {
        int correct = 0;
        for (int i = 0; i < _probabilities.BatchSize; i++)
        {
            if (TensorPrimitives.IndexOfMax(_probabilities.Sample(i)) == _labels[i]) correct++;
        }
        return correct;
    }
}
