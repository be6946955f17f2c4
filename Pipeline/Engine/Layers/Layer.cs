using System.Text.Json.Nodes;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers;

/// <summary>
/// The one lifecycle every layer follows (Keras-like):
/// <list type="number">
/// <item><see cref="Build"/> from the input sample shape: allocates parameters (initialized from the run's RNG) and
/// every buffer for batches up to maxBatchSize, and returns the output shape. Nothing is allocated after it.</item>
/// <item><see cref="Forward"/>: input [N, ...in] → output [N, ...out], a buffer the layer owns (valid until the next call; in a
/// model, an output only the next layer's forward reads lies in one of the model's two output buffers, valid until the
/// layer after next runs its Forward).</item>
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
    private Tensor? _output;
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

    /// <summary>
    /// Set by a model before Build: the output buffer comes from the model after Build (<see cref="AttachOutput"/>), once it
    /// knows which outputs only the next layer's forward reads; false: Build allocates it.
    /// </summary>
    internal bool OutputFromModel { get; set; }

    /// <summary>False for a layer whose Backward never writes dL/dInput itself (Flatten passes a view of its output gradient).</summary>
    protected virtual bool WritesInputGradient => true;

    /// <summary>
    /// False for a layer with no output buffer of its own: its Forward passes on its input or a buffer of a layer before it
    /// or inside it (Flatten's view, a ReLU that the layer before it computes, a residual block). Read at build time; an
    /// output buffer of its own is one a model may place in a shared buffer.
    /// </summary>
    protected internal virtual bool OwnsOutput => true;

    /// <summary>Whether Backward reads the output Forward wrote (a ReLU's sign, a batch norm's ReLU mask). Unknown: true.</summary>
    internal virtual bool ReadsOutputInBackward => true;

    /// <summary>Whether Backward reads the input Forward was given (a convolution's or dense layer's dW). Unknown: true.</summary>
    internal virtual bool ReadsInputInBackward => true;

    /// <summary>
    /// Whether Forward may return its input (or a view of it) as its output, in training or in eval mode (Flatten, dropout in
    /// eval, a ReLU computed by the layer before it): that input then lives on as this layer's output. Unknown: true.
    /// </summary>
    internal virtual bool PassesInputOn => true;

    public Shape Build(Shape inputShape, int maxBatchSize, EngineRandom random)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(random);
        if (maxBatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(maxBatchSize));
        _inputShape = inputShape;
        MaxBatchSize = maxBatchSize;
        _outputShape = OnBuild(inputShape, maxBatchSize, random);
        if (OwnsOutput && !OutputFromModel) _output = new Tensor(maxBatchSize, _outputShape);
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
    /// After Build, for a layer whose <see cref="OutputFromModel"/> is set: its output buffer is <paramref name="shared"/> (a
    /// view of one of the model's two output buffers) or, when null, a buffer of its own.
    /// </summary>
    internal void AttachOutput(Tensor? shared)
    {
        if (!OwnsOutput) return;
        if (shared is not null && (!shared.SampleShape.Equals(OutputShape) || shared.MaxBatchSize < MaxBatchSize))
            throw new ArgumentException($"{Kind} '{Name}': expected an output buffer [{MaxBatchSize}, {OutputShape}]. Received {shared}.");
        _output = shared ?? new Tensor(MaxBatchSize, OutputShape);
    }

    /// <summary>The output buffer as Forward last filled it.</summary>
    protected Tensor Output => _output ?? throw NoOutput();

    /// <summary>The output buffer at <paramref name="input"/>'s batch size, once its shape is checked against the build.</summary>
    protected Tensor OutputFor(Tensor input)
    {
        CheckBatch(input, InputShape);
        Tensor output = Output;
        output.SetBatchSize(input.BatchSize);
        return output;
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

    private InvalidOperationException NoOutput() => IsBuilt
        ? new($"{Kind} '{Name}' has no output buffer (it passes on its input, or its work is fused into the layer before it).")
        : NotBuilt();

    private InvalidOperationException NotBuilt()
        => new($"{Kind} '{Name}' is not built yet: call Build (the model does it from its input shape).");
}
