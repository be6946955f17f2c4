namespace MlNetFashion.Engine.Optimizers;

/// <summary>
/// SGD (PyTorch semantics): g ← g + λ·w; b ← μ·b + g (b = g on the first step); g ← g + μ·b (Nesterov) or b;
/// w ← w − lr·g.
/// </summary>
public sealed class Sgd(float momentum = 0f, bool nesterov = false, float weightDecay = 0f) : Optimizer
{
    public override OptimizerKind Kind => OptimizerKind.Sgd;
    protected override int StateSlots => 1;

    protected override void Update(Span<float> value, ReadOnlySpan<float> gradient, float[][] state, float learningRate, bool decay,
        long step)
    {
        float[] b = state[0];
        float wd = decay ? weightDecay : 0f;
        bool first = step == 1;
        for (int i = 0; i < value.Length; i++)
        {
            float g = gradient[i] + wd * value[i];
            if (momentum != 0)
            {
                b[i] = first ? g : momentum * b[i] + g;
                g = nesterov ? g + momentum * b[i] : b[i];
            }
            value[i] -= learningRate * g;
        }
    }
}
