using System.Text.Json.Nodes;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers;

/// <summary>
/// The one lifecycle every layer follows (Keras-like):
/// <list type="number">
/// <item><see cref="Build"/> from the input sample shape: allocates parameters (initialized from the run's RNG) and
/// every buffer for batches up to maxBatchSize, and returns the output shape. Nothing is allocated after it.</item>
/// <item><see cref="Forward"/>: input [N, ...in] → output [N, ...out], a buffer the layer owns (valid until the next call).</item>
/// <item><see cref="Backward"/>: dL/dOutput → dL/dInput (<see cref="InputGradientFor"/>: a layer-owned buffer, or in a model
/// one of the model's two gradient buffers, valid until the next layer's Backward); overwrites each parameter's Gradient.
/// Uses what the last training Forward kept.</item>
/// </list>
/// Layers hold state and shapes; the arithmetic lives in Kernels/.
/// </summary>
public abstract class Layer
{
    private Shape? _inputShape;
    private Shape? _outputShape;
    private Tensor? _inputGradient;
    private Tensor[] _sharedInputGradients = [];

    /// <summary>"Conv2D", "Dense" … — the type name used in the JSON spec, the summary and ONNX node names.</summary>
    public abstract string Kind { get; }

    /// <summary>Unique within a model ("conv2d_1"); set by the model when the layer is added.</summary>
    public string Name { get; set; } = "";

    public bool IsBuilt => _outputShape is not null;
    public Shape InputShape => _inputShape ?? throw NotBuilt();
    public Shape OutputShape => _outputShape ?? throw NotBuilt();
    public int MaxBatchSize { get; private set; }

    /// <summary>False for the first layer of a model: nobody needs dL/dInput there, so Backward may skip it and return null.</summary>
    public bool NeedsInputGradient { get; set; } = true;

    /// <summary>
    /// Set by a model before Build: dL/dInput then goes to the model's two buffers (<see cref="AttachInputGradientBuffers"/>)
    /// instead of a buffer of the layer's own.
    /// </summary>
    internal InputGradientBuffers? SharedInputGradients { get; set; }

    /// <summary>
    /// Set by a model before Build: the working arrays of this layer's convolution kernels (its own or its children's) come
    /// from the model's one set, which the model allocates after Build; null: the kernels keep their own.
    /// </summary>
    internal Kernels.ConvolutionScratch? SharedConvolutionScratch { get; set; }

    /// <summary>False for a layer whose Backward never writes dL/dInput itself (Flatten passes a view of its output gradient).</summary>
    protected virtual bool WritesInputGradient => true;

    public Shape Build(Shape inputShape, int maxBatchSize, EngineRandom random)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(random);
        if (maxBatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(maxBatchSize));
        _inputShape = inputShape;
        MaxBatchSize = maxBatchSize;
        _outputShape = OnBuild(inputShape, maxBatchSize, random);
        if (!WritesInputGradient) return _outputShape;
        if (SharedInputGradients is { } shared) shared.Reserve(maxBatchSize, inputShape);
        else _inputGradient = new Tensor(maxBatchSize, inputShape);
        return _outputShape;
    }

    /// <summary>After the model allocated <see cref="SharedInputGradients"/>: takes this layer's views of its two buffers.</summary>
    internal void AttachInputGradientBuffers()
    {
        if (WritesInputGradient && SharedInputGradients is { } shared) _sharedInputGradients = shared.Views(MaxBatchSize, InputShape);
    }

    /// <summary>
    /// The tensor Backward writes dL/dInput into, at <paramref name="outputGradient"/>'s batch size: the layer's own buffer, or
    /// in a model whichever of its two buffers does not hold <paramref name="outputGradient"/>.
    /// </summary>
    protected Tensor InputGradientFor(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        Tensor inputGradient = _sharedInputGradients is [Tensor first, Tensor second]
            ? ReferenceEquals(first.Data, outputGradient.Data) ? second : first
            : _inputGradient ?? throw new InvalidOperationException($"{Kind} '{Name}' has no input-gradient buffer: call Build first.");
        inputGradient.SetBatchSize(outputGradient.BatchSize);
        return inputGradient;
    }

    /// <summary>Checks <paramref name="inputShape"/>, allocates parameters and buffers, returns the output shape.</summary>
    protected abstract Shape OnBuild(Shape inputShape, int maxBatchSize, EngineRandom random);

    public abstract Tensor Forward(Tensor input, bool training);

    public abstract Tensor? Backward(Tensor outputGradient);

    /// <summary>Trainable parameters, in a fixed order (checkpoints and ONNX export rely on it).</summary>
    public virtual IReadOnlyList<Parameter> Parameters => [];

    /// <summary>Non-trainable state saved with the weights (batch-norm running mean and variance).</summary>
    public virtual IReadOnlyList<Tensor> Buffers => [];

    /// <summary>Sub-layers of a composite layer (residual block); empty for plain layers.</summary>
    public virtual IReadOnlyList<Layer> Children => [];

    /// <summary>The layer's settings for the JSON spec and the summary, e.g. {"filters":32,"kernelSize":3}.</summary>
    public abstract JsonObject GetConfig();

    /// <summary>Throws "Expected … Received …" when <paramref name="ok"/> is false.</summary>
    protected void Require(bool ok, string expected, Shape received)
    {
        if (!ok) throw new InvalidOperationException($"{Kind} '{Name}': expected {expected}. Received input shape {received}.");
    }

    /// <summary>Checks the batch of a Forward/Backward argument against the build.</summary>
    protected void CheckBatch(Tensor tensor, Shape expected)
    {
        if (!tensor.SampleShape.Equals(expected) || tensor.BatchSize > MaxBatchSize)
            throw new ArgumentException($"{Kind} '{Name}': expected [N ≤ {MaxBatchSize}, {string.Join(", ", expected.ToArray())}]. " +
                $"Received {tensor}.");
    }

    private InvalidOperationException NotBuilt()
        => new($"{Kind} '{Name}' is not built yet: call Build (the model does it from its input shape).");
}
