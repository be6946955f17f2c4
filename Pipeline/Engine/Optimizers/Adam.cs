using MlNetFashion.Engine.Kernels;

namespace MlNetFashion.Engine.Optimizers;

/// <summary>
/// Adam (PyTorch semantics): g ← g + λ·w (L2, coupled); m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
/// w ← w − lr · (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε). AdamW overrides how decay is applied.
/// </summary>
public class Adam(float weightDecay = 0, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = Adam.DefaultEpsilon) : Optimizer
{
    /// <summary>PyTorch's ε; Keras' is 1e-7 (<see cref="KerasEpsilon"/>).</summary>
    public const float DefaultEpsilon = 1e-8f, KerasEpsilon = 1e-7f;

    public override OptimizerKind Kind => OptimizerKind.Adam;
    public float WeightDecay { get; } = weightDecay;
    public float Epsilon { get; } = epsilon;
    protected override int StateSlots => 2;

    /// <summary>L2 added to the gradient (Adam) vs decoupled shrinking of the weights (AdamW).</summary>
    protected virtual bool Decoupled => false;

    protected override void Update(Span<float> value, ReadOnlySpan<float> gradient, float[][] state, float learningRate, bool decay,
        long step)
    {
        float wd = decay ? WeightDecay : 0f;
        float correction1 = 1f - MathF.Pow(beta1, step), correction2 = 1f - MathF.Pow(beta2, step);
        float stepSize = learningRate / correction1, rootCorrection2 = MathF.Sqrt(correction2);
        float shrink = Decoupled ? 1f - learningRate * wd : 1f;
        float coupled = Decoupled ? 0f : wd;
        AdamKernel.Step(gradient, new AdamKernel.Coefficients(beta1, beta2, Epsilon, coupled, shrink, stepSize, rootCorrection2),
            state[0], state[1], value);
    }
}

/// <summary>AdamW: Adam with decoupled weight decay, w ← w·(1 − lr·λ) before the Adam step.</summary>
public sealed class AdamW(float weightDecay = 0.01f, float epsilon = Adam.DefaultEpsilon) : Adam(weightDecay, epsilon: epsilon)
{
    public override OptimizerKind Kind => OptimizerKind.AdamW;
    protected override bool Decoupled => true;
}
