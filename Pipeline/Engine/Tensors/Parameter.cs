namespace MlNetFashion.Engine.Tensors;

/// <summary>A trainable tensor and its gradient (same shape). Backward overwrites <see cref="Gradient"/>.</summary>
public sealed class Parameter
{
    public Parameter(string name, Shape shape, bool decay)
    {
        Name = name;
        Value = new Tensor(1, shape);
        Gradient = new Tensor(1, shape);
        Decay = decay;
    }

    /// <summary>"kernel", "bias", "gamma", "beta".</summary>
    public string Name { get; }
    /// <summary>Weight-decay applies to kernels, not to biases or batch-norm scales (as Keras/PyTorch users expect).</summary>
    public bool Decay { get; }
    /// <summary>
    /// While true the optimizer passes it over: no update, no moments, no weight decay (Keras' trainable = False). The
    /// gradient is still computed: the layers below need theirs.
    /// </summary>
    public bool Frozen { get; set; }
    /// <summary>[1, ...shape]</summary>
    public Tensor Value { get; }
    public Tensor Gradient { get; }
    public Shape Shape => Value.SampleShape;
    public int Count => Value.SampleSize;
}
