using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Models;

/// <summary>
/// A stack of layers from one input shape to logits. Build allocates every parameter and buffer for a maximum batch;
/// Forward/Backward then run without allocating. Parameters and buffers come in a fixed order (checkpoints, export).
/// </summary>
public sealed class Sequential
{
    private readonly List<Layer> _layers = [];
    private Tensor? _input;

    public Sequential(Shape inputShape) => InputShape = inputShape ?? throw new ArgumentNullException(nameof(inputShape));

    public Shape InputShape { get; }
    public Shape OutputShape => _layers.Count == 0 ? InputShape : _layers[^1].OutputShape;
    public IReadOnlyList<Layer> Layers => _layers;
    public bool IsBuilt { get; private set; }
    public int MaxBatchSize { get; private set; }

    public IReadOnlyList<Parameter> Parameters => [.. _layers.SelectMany(l => l.Parameters)];
    public IReadOnlyList<Tensor> Buffers => [.. _layers.SelectMany(l => l.Buffers)];

    public Sequential Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (IsBuilt) throw new InvalidOperationException("Sequential: layers cannot be added after Build.");
        _layers.Add(layer);
        return this;
    }

    /// <summary>Names the layers (conv2d_1, dense_2 …), builds them in order and allocates for <paramref name="maxBatchSize"/>.</summary>
    public Sequential Build(int maxBatchSize, EngineRandom random)
    {
        if (_layers.Count == 0) throw new InvalidOperationException("Sequential: expected at least one layer.");
        var counts = new Dictionary<string, int>();
        var inputGradients = ShareInputGradients ? new InputGradientBuffers() : null;
        var scratch = ShareConvolutionScratch ? new Kernels.ConvolutionScratch() : null;
        var outputs = new OutputBuffers();
        var slots = new int[_layers.Count]; // 0 or 1: that shared output buffer; −1: a buffer of the layer's own
        int placed = 0; // outputs placed so far, in layer order
        Shape shape = InputShape;
        for (int i = 0; i < _layers.Count; i++)
        {
            Layer layer = _layers[i];
            if (FuseActivations && i > 0) FuseReluIntoPrevious(_layers[i - 1], layer);
            for (; placed < i && OutputReadersKnown(placed, i); placed++) PlaceOutput(placed, slots, outputs, maxBatchSize);
            string kind = LayerNames.SnakeCase(layer.Kind);
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
            if (string.IsNullOrEmpty(layer.Name)) layer.Name = $"{kind}_{counts[kind]}";
            layer.SharedInputGradients = inputGradients;
            layer.SharedConvolutionScratch = scratch;
            layer.OutputFromModel = true;
            try
            {
                shape = layer.Build(shape, maxBatchSize, random);
            }
            catch (OutOfMemoryException ex)
            {
                throw OutOfMemory(maxBatchSize, $"{layer.Kind} '{layer.Name}' (input {shape})", ex);
            }
        }
        for (; placed < _layers.Count; placed++) PlaceOutput(placed, slots, outputs, maxBatchSize);
        _layers[0].NeedsInputGradient = false;
        if (FuseActivations) FuseRelus();
        AttachSharedOutputs(slots, outputs, maxBatchSize);
        try
        {
            inputGradients?.Allocate();
            scratch?.Allocate();
        }
        catch (OutOfMemoryException ex)
        {
            throw OutOfMemory(maxBatchSize, "the input-gradient buffers and the convolutions' scratch", ex);
        }
        foreach (Layer layer in _layers) layer.AttachInputGradientBuffers();
        _input = new Tensor(maxBatchSize, InputShape);
        MaxBatchSize = maxBatchSize;
        IsBuilt = true;
        return this;
    }

    /// <summary>Buffers scale with the batch: names what could not allocate and the remedy instead of an allocation failure.</summary>
    private static ArgumentException OutOfMemory(int maxBatchSize, string what, OutOfMemoryException ex)
    {
        string why = ex is InsufficientMemoryException ? ex.Message.TrimEnd('.') : "out of memory";
        return new ArgumentException($"batch size {maxBatchSize:N0}: {what} cannot allocate its buffers ({why}); use a smaller " +
            "batch size or a smaller layer.", ex);
    }

    /// <summary>
    /// Whether Build gives the layers two shared buffers for their input gradients (<see cref="InputGradientBuffers"/>) instead
    /// of one each: the same bits, less memory traffic per step. Off only to compare against buffers of their own.
    /// </summary>
    internal bool ShareInputGradients { get; set; } = true;

    /// <summary>
    /// Whether Build gives the convolutions one set of working arrays per thread for the whole model
    /// (<see cref="Kernels.ConvolutionScratch"/>) instead of one each: the same bits, less memory. Off only to compare.
    /// </summary>
    internal bool ShareConvolutionScratch { get; set; } = true;

    /// <summary>
    /// Whether Build puts the outputs that only the next layer's forward reads (<see cref="OnlyNextForwardReadsOutput"/>) in
    /// two shared buffers (<see cref="OutputBuffers"/>) instead of one each: the same bits, less memory. Off only to compare.
    /// </summary>
    internal bool ShareOutputs { get; set; } = true;

    /// <summary>
    /// Whether layer <paramref name="index"/>'s output is dead once the next layer that reads it has run its Forward: the
    /// layer has a buffer of its own, its backward does not read it, and the next layer neither reads its input in backward
    /// nor passes it on as its output, past the layers that hand it on untouched (<see cref="HandsOnUnread"/>: a ReLU the
    /// batch norm before it computes, so batch norm → ReLU → max-pool leaves the batch norm's output dead). The logits (the
    /// last layer's output) never are. Known once the fusions of the layers up to that reader are set.
    /// </summary>
    internal bool OnlyNextForwardReadsOutput(int index)
    {
        Layer layer = _layers[index];
        if (!layer.OwnsOutput || layer.ReadsOutputInBackward) return false;
        int reader = ReaderOf(index);
        if (reader >= _layers.Count) return false;
        return !_layers[reader].ReadsInputInBackward && !_layers[reader].PassesInputOn;
    }

    /// <summary>A layer with no buffer of its own whose output is its input and whose backward reads neither.</summary>
    private static bool HandsOnUnread(Layer layer) =>
        !layer.OwnsOutput && layer.PassesInputOn && !layer.ReadsInputInBackward && !layer.ReadsOutputInBackward;

    /// <summary>The first layer after <paramref name="index"/> that does not hand its output on untouched (Count: none).</summary>
    private int ReaderOf(int index)
    {
        int reader = index + 1;
        while (reader < _layers.Count && HandsOnUnread(_layers[reader])) reader++;
        return reader;
    }

    /// <summary>
    /// Whether, with layers up to <paramref name="fused"/> fused with the layer before them,
    /// <see cref="OnlyNextForwardReadsOutput"/> of <paramref name="index"/> (&lt; fused) is known: the layers it walks past
    /// and the one that reads it are all fused.
    /// </summary>
    private bool OutputReadersKnown(int index, int fused)
    {
        int reader = index + 1;
        while (reader <= fused && HandsOnUnread(_layers[reader])) reader++;
        return reader <= fused;
    }

    /// <summary>
    /// The shared buffer (0 or 1) layer <paramref name="index"/> reads its input from, past the layers before it that pass
    /// their input on with no buffer of their own; −1: none.
    /// </summary>
    private static int InputSlot(IReadOnlyList<Layer> layers, int[] slots, int index)
    {
        int writer = index - 1;
        while (writer >= 0 && !layers[writer].OwnsOutput && layers[writer].PassesInputOn) writer--;
        return writer >= 0 ? slots[writer] : -1;
    }

    /// <summary>
    /// Once layer <paramref name="index"/> is built and the fusions up to the layer that reads its output set: an output that
    /// only the next forward reads takes the shared buffer that its own input is not in (the two in turn along a run of
    /// them); any other output gets a buffer of its own now, in the order the layers' other buffers are allocated.
    /// (<see cref="FuseRelus"/>, after the loop, only stops a ReLU reading its output when the batch norm after it reads that
    /// output as its input: it never makes a placed output live or dead, nor a layer one that hands its input on unread.)
    /// </summary>
    private void PlaceOutput(int index, int[] slots, OutputBuffers outputs, int maxBatchSize)
    {
        Layer layer = _layers[index];
        slots[index] = !ShareOutputs || !OnlyNextForwardReadsOutput(index) ? -1 : InputSlot(_layers, slots, index) == 0 ? 1 : 0;
        if (slots[index] >= 0)
        {
            outputs.Reserve(slots[index], maxBatchSize, layer.OutputShape);
            return;
        }
        try
        {
            layer.AttachOutput(null);
        }
        catch (OutOfMemoryException ex)
        {
            throw OutOfMemory(maxBatchSize, $"{layer.Kind} '{layer.Name}' (input {layer.InputShape})", ex);
        }
    }

    /// <summary>Allocates the two shared output buffers and gives the layers placed in them their views.</summary>
    private void AttachSharedOutputs(int[] slots, OutputBuffers outputs, int maxBatchSize)
    {
        try
        {
            outputs.Allocate();
        }
        catch (OutOfMemoryException ex)
        {
            Layer largest = _layers.Where((_, i) => slots[i] >= 0).MaxBy(l => l.OutputShape.Size)!;
            throw OutOfMemory(maxBatchSize, $"{largest.Kind} '{largest.Name}' (input {largest.InputShape})", ex);
        }
        for (int i = 0; i < _layers.Count; i++)
            if (slots[i] >= 0) _layers[i].AttachOutput(outputs.View(slots[i], maxBatchSize, _layers[i].OutputShape));
    }

    /// <summary>
    /// Whether Build lets plane batch norms and the direct one-channel convolution run their neighbouring ReLUs
    /// (BatchNormKernel, SingleChannelKernel): the same bits, one pass over memory less per pair. Off only to compare
    /// against the separate passes.
    /// </summary>
    internal bool FuseActivations { get; set; } = FuseByDefault;

    /// <summary>MLNETFASHION_FUSE=0 keeps every ReLU a separate pass, for A/B runs and bisecting (read once per process).</summary>
    private static readonly bool FuseByDefault = Environment.GetEnvironmentVariable("MLNETFASHION_FUSE") != "0";

    /// <summary>
    /// Called once <paramref name="previous"/> is built and before <paramref name="next"/> is (a ReLU computed by the layer
    /// before it allocates no output buffer).
    /// batch norm → ReLU: the batch norm writes max(y, 0) and masks dy by it in its backward; the ReLU passes both on.
    /// direct one-channel convolution → ReLU: the convolution writes max(y, 0), the ReLU passes it on.
    /// </summary>
    private static void FuseReluIntoPrevious(Layer previous, Layer next)
    {
        switch (previous, next)
        {
            case (Layers.Normalization.BatchNorm bn, Layers.Activation.RectifierLayer { Alpha: 0 } relu) when bn.CanFuseRelu:
                bn.ReluOutput = relu.FusedIntoPrevious = relu.BackwardInPrevious = true;
                break;
            case (Layers.Convolution.Conv2D { KernelOp: Kernels.SingleChannelKernel direct },
                Layers.Activation.RectifierLayer { Alpha: 0 } relu):
                direct.ReluOutput = relu.FusedIntoPrevious = true;
                break;
        }
    }

    /// <summary>
    /// After Build (which input gradients are needed is known then). ReLU → batch norm: the batch norm's backward masks dx by
    /// its input (the ReLU's output), the ReLU's passes dy on.
    /// </summary>
    private void FuseRelus()
    {
        for (int i = 0; i + 1 < _layers.Count; i++)
        {
            if (_layers[i] is Layers.Activation.RectifierLayer { Alpha: 0 } relu && _layers[i + 1] is Layers.Normalization.BatchNorm bn
                && bn.CanFuseRelu && relu.NeedsInputGradient)
                bn.ReluInput = relu.FusedIntoNext = true;
        }
    }

    /// <summary>input [N, ...InputShape] → logits [N, ...OutputShape] (a buffer of the last layer).</summary>
    public Tensor Forward(Tensor input, bool training)
    {
        if (!IsBuilt) throw new InvalidOperationException("Sequential: call Build before Forward.");
        Tensor x = input;
        foreach (Layer layer in _layers) x = layer.Forward(x, training);
        return x;
    }

    /// <summary>Back-propagates dL/dlogits through every layer, leaving each parameter's gradient.</summary>
    public void Backward(Tensor lossGradient)
    {
        Tensor? g = lossGradient;
        for (int i = _layers.Count - 1; i >= 0 && g is not null; i--) g = _layers[i].Backward(g);
    }

    /// <summary>
    /// Eval-mode softmax probabilities for <paramref name="count"/> images (images: count × InputShape.Size floats),
    /// in batches of at most MaxBatchSize; probabilities: count × classes.
    /// </summary>
    public void Predict(ReadOnlySpan<float> images, int count, Span<float> probabilities)
    {
        PredictLogits(images, count, probabilities);
        int classes = OutputShape.Size;
        for (int i = 0; i < count; i++)
            TensorPrimitives.SoftMax(probabilities.Slice(i * classes, classes), probabilities.Slice(i * classes, classes));
    }

    /// <summary>Eval-mode logits [count, classes], as <see cref="Predict"/> before its softmax.</summary>
    public void PredictLogits(ReadOnlySpan<float> images, int count, Span<float> logits)
    {
        if (!IsBuilt) throw new InvalidOperationException("Sequential: call Build before Predict.");
        int size = InputShape.Size, classes = OutputShape.Size;
        if (images.Length < count * size || logits.Length < count * classes)
            throw new ArgumentException($"Predict: expected {count * size} input and {count * classes} output floats. Received " +
                $"{images.Length} and {logits.Length}.");
        for (int start = 0; start < count; start += MaxBatchSize)
        {
            int n = Math.Min(MaxBatchSize, count - start);
            _input!.SetBatchSize(n);
            images.Slice(start * size, n * size).CopyTo(_input.Span);
            Forward(_input, training: false).Span.Slice(0, n * classes).CopyTo(logits.Slice(start * classes, n * classes));
        }
    }

    /// <summary>The Keras-style table (see <see cref="ModelSummary"/>).</summary>
    public string Summary() => ModelSummary.Format(this);
}
