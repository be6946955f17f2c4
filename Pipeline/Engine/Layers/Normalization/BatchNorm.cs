using System.Text.Json.Nodes;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Layers.Normalization;

/// <summary>
/// Batch normalization per channel (BatchNorm2D: [N, C, H, W]; BatchNorm1D: [N, F]). PyTorch's momentum convention:
/// running = (1 − m)·running + m·batch. Params gamma [C], beta [C]; buffers running mean [C], running variance [C].
/// </summary>
public abstract unsafe class BatchNorm : Layer
{
    private Parameter _gamma = null!, _beta = null!;
    private Tensor _runningMean = null!, _runningVar = null!, _input = null!;
    // μ and 1/√(σ² + ε) of the last Forward, per channel: Backward recomputes x̂ from the input with them.
    private float[] _mean = [], _invStd = [];
    // Offered to the input on planes, for the layer that writes it to fill (Tensors.PlaneSums).
    private PlaneSums? _inputSums;
    private int _channels, _length;
    private bool _lastTraining;

    protected BatchNorm(float momentum, float epsilon)
    {
        if (!(momentum > 0 && momentum <= 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"{Kind}: expected momentum in (0, 1].");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"{Kind}: expected a positive epsilon.");
        (Momentum, Epsilon) = (momentum, epsilon);
    }

    public float Momentum { get; }
    public float Epsilon { get; }
    public Parameter Gamma => _gamma;
    public Parameter Beta => _beta;
    public Tensor RunningMean => _runningMean;
    public Tensor RunningVariance => _runningVar;
    public override IReadOnlyList<Parameter> Parameters => [_gamma, _beta];
    public override IReadOnlyList<Tensor> Buffers => [_runningMean, _runningVar];

    /// <summary>Whether a neighbouring ReLU can run inside this layer's passes (BatchNormKernel's planes).</summary>
    internal bool CanFuseRelu => _length >= BatchNormKernel.PlaneThreshold;

    /// <summary>The output is the following ReLU's: y = max(γ·x̂ + β, 0), and Backward runs that ReLU's backward on dy (the
    /// ReLU passes both on).</summary>
    internal bool ReluOutput { get; set; }

    /// <summary>The input is the preceding ReLU's output; the input gradient includes that ReLU's backward.</summary>
    internal bool ReluInput { get; set; }

    /// <summary>
    /// Whether training on planes takes Σx and Σx² per plane from the layer that wrote the input, where it gives them
    /// (<see cref="Tensors.PlaneSums"/>): the same bits, one read of the input less. Off only to compare.
    /// </summary>
    internal bool TakesPlaneSums { get; set; } = true;

    /// <summary>Channels and values per channel per sample for this input shape (checks the rank).</summary>
    protected abstract (int Channels, int Length) Layout(Shape inputShape);

    protected override Shape OnBuild(Shape inputShape, int maxBatchSize, EngineRandom random)
    {
        (_channels, _length) = Layout(inputShape);
        var channelShape = new Shape(_channels);
        _gamma = new Parameter("gamma", channelShape, decay: false);
        _beta = new Parameter("beta", channelShape, decay: false);
        _gamma.Value.Span.Fill(1f);
        _runningMean = new Tensor(1, channelShape);
        _runningVar = new Tensor(1, channelShape);
        _runningVar.Span.Fill(1f);
        _mean = new float[_channels];
        _invStd = new float[_channels];
        _inputSums = CanFuseRelu ? new PlaneSums(maxBatchSize, _channels) : null;
        return inputShape;
    }

    // Backward recomputes x̂, and the fused ReLU's mask γ·x̂ + β > 0, from the input.
    internal override bool ReadsOutputInBackward => false;
    internal override bool PassesInputOn => false;

    public override Tensor Forward(Tensor input, bool training)
    {
        Tensor output = OutputFor(input);
        if (training && input.BatchSize * _length < 2)
            throw new InvalidOperationException($"{Kind} '{Name}': expected more than one value per channel in training. Received a " +
                $"batch of {input.BatchSize}.");
        _input = input;
        _lastTraining = training;
        float[]? planeSums = null;
        if (training && TakesPlaneSums && _inputSums is not null)
        {
            PlaneSums offered = input.PlaneSums ??= _inputSums;
            if (offered.Batch == input.BatchSize && offered.Channels == _channels) planeSums = offered.Values;
        }
        fixed (float* x = input.Data, y = output.Data, gamma = _gamma.Value.Data, beta = _beta.Value.Data,
               runningMean = _runningMean.Data, runningVar = _runningVar.Data, mean = _mean, invStd = _invStd, sums = planeSums)
        {
            BatchNormKernel.Forward(new BatchNormKernel.Buffers
            {
                X = x, Y = y, Gamma = gamma, Beta = beta, RunningMean = runningMean, RunningVar = runningVar, Mean = mean, InvStd = invStd,
                Batch = input.BatchSize, Channels = _channels, Length = _length, Momentum = Momentum, Epsilon = Epsilon,
                ReluOutput = ReluOutput, PlaneSums = sums,
            }, training);
        }
        return output;
    }

    public override Tensor? Backward(Tensor outputGradient)
    {
        CheckBatch(outputGradient, OutputShape);
        // With the ReLU after it, the kernel writes that ReLU's dx into the dx buffer, needed or not.
        Tensor? inputGradient = NeedsInputGradient || ReluOutput ? InputGradientFor(outputGradient) : null;
        fixed (float* x = _input.Data, dy = outputGradient.Data, dx = inputGradient?.Data, gamma = _gamma.Value.Data,
               beta = _beta.Value.Data, dGamma = _gamma.Gradient.Data, dBeta = _beta.Gradient.Data, mean = _mean, invStd = _invStd)
        {
            BatchNormKernel.Backward(new BatchNormKernel.Buffers
            {
                X = x, DY = dy, DX = dx, Gamma = gamma, Beta = beta, DGamma = dGamma, DBeta = dBeta, Mean = mean, InvStd = invStd,
                Batch = outputGradient.BatchSize, Channels = _channels, Length = _length, ReluInput = ReluInput, ReluOutput = ReluOutput,
            }, _lastTraining, NeedsInputGradient);
        }
        return NeedsInputGradient ? inputGradient : null;
    }

    public override JsonObject GetConfig() => new() { ["momentum"] = Momentum, ["epsilon"] = Epsilon };
}
