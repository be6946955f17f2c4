using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Optimizers;

/// <summary>
/// The shared update loop: one step walks every parameter and hands value, gradient and that parameter's state
/// slots to the concrete rule. State is allocated on the first step and reused; it can be saved and restored. A
/// <see cref="Parameter.Frozen"/> parameter is passed over: its value, state and step count stay as they are, so when it
/// thaws its first step is the one a fresh optimizer would take (Adam's bias correction counts its own steps).
/// </summary>
public abstract class Optimizer
{
    private float[][][]? _state;
    private long[] _parameterSteps = [];

    public abstract OptimizerKind Kind { get; }

    /// <summary>Per-parameter state buffers (Adam: m, v; SGD with momentum: velocity).</summary>
    protected abstract int StateSlots { get; }

    /// <summary>Steps taken so far (Adam's bias correction uses it).</summary>
    public long Steps { get; private set; }

    public void Step(IReadOnlyList<Parameter> parameters, float learningRate)
    {
        if (_state is null)
        {
            _state = [.. parameters.Select(p => Enumerable.Range(0, StateSlots).Select(_ => new float[p.Count]).ToArray())];
            _parameterSteps = new long[parameters.Count];
        }
        if (_state.Length != parameters.Count)
            throw new InvalidOperationException($"Optimizer: expected {_state.Length} parameters. Received {parameters.Count}.");
        Steps++;
        for (int i = 0; i < parameters.Count; i++)
        {
            Parameter p = parameters[i];
            if (p.Frozen) continue;
            Update(p.Value.Span, p.Gradient.Span, _state[i], learningRate, p.Decay, ++_parameterSteps[i]);
        }
    }

    /// <summary>Applies one step of the rule to one parameter; <paramref name="step"/> counts its own steps, 1 on its first.</summary>
    protected abstract void Update(Span<float> value, ReadOnlySpan<float> gradient, float[][] state, float learningRate, bool decay,
        long step);

    /// <summary>Every state buffer in a fixed order, for checkpoints (empty before the first step).</summary>
    public IReadOnlyList<float[]> GetState() => _state is null ? [] : [.. _state.SelectMany(s => s)];

    /// <summary>The steps each parameter has taken (fewer than <see cref="Steps"/> for one that was frozen); empty before any.</summary>
    public IReadOnlyList<long> ParameterSteps => _parameterSteps;

    /// <summary>
    /// Restores <see cref="GetState"/>'s buffers; <paramref name="parameterSteps"/> null (a checkpoint written before
    /// parameters kept their own count) gives every parameter <paramref name="steps"/>.
    /// </summary>
    public void SetState(IReadOnlyList<float[]> buffers, long steps, IReadOnlyList<Parameter> parameters,
        IReadOnlyList<long>? parameterSteps = null)
    {
        _state = [.. parameters.Select(p => Enumerable.Range(0, StateSlots).Select(_ => new float[p.Count]).ToArray())];
        if (parameterSteps is not null && parameterSteps.Count != parameters.Count)
            throw new InvalidDataException($"Optimizer state: expected {parameters.Count} step counts. Received {parameterSteps.Count}.");
        _parameterSteps = parameterSteps is null ? [.. parameters.Select(_ => steps)] : [.. parameterSteps];
        var flat = _state.SelectMany(s => s).ToList();
        if (buffers.Count == 0) { Steps = steps; return; }
        if (buffers.Count != flat.Count)
            throw new InvalidDataException($"Optimizer state: expected {flat.Count} buffers. Received {buffers.Count}.");
        for (int i = 0; i < flat.Count; i++)
        {
            if (buffers[i].Length != flat[i].Length)
                throw new InvalidDataException(
                    $"Optimizer state buffer {i}: expected {flat[i].Length} floats. Received {buffers[i].Length}.");
            buffers[i].CopyTo(flat[i], 0);
        }
        Steps = steps;
    }

    public static Optimizer Create(OptimizerKind kind, float weightDecay, float momentum = 0.9f, bool nesterov = false,
        float adamEpsilon = Adam.DefaultEpsilon) => kind switch
        {
            OptimizerKind.Adam => new Adam(weightDecay, epsilon: adamEpsilon),
            OptimizerKind.AdamW => new AdamW(weightDecay, adamEpsilon),
            OptimizerKind.Sgd => new Sgd(momentum, nesterov, weightDecay),
            _ => throw new ArgumentOutOfRangeException(
                nameof(kind), kind, $"optimizer: expected {Training.EnumSpelling.Expected<OptimizerKind>()}."),
        };
}
