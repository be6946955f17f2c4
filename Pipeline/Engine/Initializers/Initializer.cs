using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Initializers;

/// <summary>Fills a weight tensor from the run's RNG, given the layer's fan-in and fan-out.</summary>
public abstract class Initializer
{
    public static Initializer HeNormal { get; } = new HeNormalInitializer();
    public static Initializer HeUniform { get; } = new HeUniformInitializer();
    public static Initializer GlorotUniform { get; } = new GlorotUniformInitializer();
    public static Initializer Zeros { get; } = new ZerosInitializer();

    /// <summary>"he_normal", "he_uniform", "glorot_uniform", "zeros" — the JSON spec names (Keras').</summary>
    public abstract string Name { get; }

    public abstract void Fill(Span<float> weights, int fanIn, int fanOut, EngineRandom random);

    public static Initializer FromName(string name) => name switch
    {
        "he_normal" => HeNormal,
        "he_uniform" => HeUniform,
        "glorot_uniform" => GlorotUniform,
        "zeros" => Zeros,
        _ => throw new ArgumentException($"initializer: expected one of he_normal, he_uniform, glorot_uniform, zeros. Received " +
            $"\"{name}\"."),
    };

    protected static void FillUniform(Span<float> weights, double limit, EngineRandom random)
    {
        for (int i = 0; i < weights.Length; i++) weights[i] = (float)((random.NextDouble() * 2 - 1) * limit);
    }

    /// <summary>He normal: N(0, 2/fanIn), truncated at two standard deviations as in Keras.</summary>
    private sealed class HeNormalInitializer : Initializer
    {
        public override string Name => "he_normal";
        public override void Fill(Span<float> weights, int fanIn, int fanOut, EngineRandom random)
        {
            // 0.8796… is the std of a unit normal truncated to ±2; dividing keeps the variance at 2/fanIn.
            double std = Math.Sqrt(2.0 / fanIn) / 0.87962566103423978;
            for (int i = 0; i < weights.Length; i++)
            {
                double g;
                do g = random.NextGaussian(); while (Math.Abs(g) > 2);
                weights[i] = (float)(g * std);
            }
        }
    }

    /// <summary>He uniform: U(−√(6/fanIn), √(6/fanIn)).</summary>
    private sealed class HeUniformInitializer : Initializer
    {
        public override string Name => "he_uniform";
        public override void Fill(Span<float> weights, int fanIn, int fanOut, EngineRandom random)
            => FillUniform(weights, Math.Sqrt(6.0 / fanIn), random);
    }

    /// <summary>Glorot uniform: U(−√(6/(fanIn+fanOut)), +…) — Keras' default.</summary>
    private sealed class GlorotUniformInitializer : Initializer
    {
        public override string Name => "glorot_uniform";
        public override void Fill(Span<float> weights, int fanIn, int fanOut, EngineRandom random)
            => FillUniform(weights, Math.Sqrt(6.0 / (fanIn + fanOut)), random);
    }

    private sealed class ZerosInitializer : Initializer
    {
        public override string Name => "zeros";
        public override void Fill(Span<float> weights, int fanIn, int fanOut, EngineRandom random) => weights.Clear();
    }
}
