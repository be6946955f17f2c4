using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Tests.Harness;

/// <summary>
/// The one gradient check every layer goes through: L = Σ out ⊙ R for a fixed random R, so dL/dout = R.
/// Backward's dx and parameter gradients are compared with central finite differences on a seeded sample of entries.
/// </summary>
public static class LayerHarness
{
    public static Layer Build(Layer layer, Shape input, int batch, int seed = 1)
    {
        layer.Name = layer.Kind.ToLowerInvariant() + "_test";
        layer.Build(input, batch, new EngineRandom((ulong)seed));
        return layer;
    }

    /// <summary>
    /// Gives a built layer's batch norms non-trivial running statistics (eval mode reads them): three training
    /// forwards of N(0, 2²) inputs.
    /// </summary>
    public static void WarmUp(Layer layer, int batch, EngineRandom random)
    {
        for (int i = 0; i < 3; i++) layer.Forward(RandomTensor(batch, layer.InputShape, random, 2f), training: true);
    }

    public static Tensor RandomTensor(int batch, Shape shape, EngineRandom random, float scale = 1f)
    {
        var t = new Tensor(batch, shape);
        for (int i = 0; i < t.Length; i++) t.Data[i] = (float)(random.NextGaussian() * scale);
        return t;
    }

    /// <summary>Checks dL/dx (when the layer computes it) and dL/dθ for every parameter.</summary>
    public static void CheckGradients(
        Layer layer, Shape input, int batch, bool training, int seed = 7, double step = 1e-2, double tolerance = 2e-2, int samples = 40)
    {
        var random = new EngineRandom((ulong)seed);
        if (!layer.IsBuilt) Build(layer, input, batch, seed);
        Tensor x = RandomTensor(batch, input, random);
        // Keep inputs off the kinks of ReLU-like functions: a finite difference across a kink measures nothing.
        for (int i = 0; i < x.Length; i++)
            if (Math.Abs(x.Data[i]) < 4 * step) x.Data[i] = (float)Math.CopySign(4 * step + Math.Abs(x.Data[i]), x.Data[i]);
        Tensor first = layer.Forward(x, training);
        Tensor projection = RandomTensor(batch, first.SampleShape, random);
        Tensor? dx = layer.Backward(projection);
        float[]? analyticInput = dx?.Span.ToArray();
        var analyticParams = layer.Parameters.Select(p => p.Gradient.Span.ToArray()).ToList();

        double Loss()
        {
            Tensor y = layer.Forward(x, training);
            double sum = 0;
            for (int i = 0; i < y.Length; i++) sum += (double)y.Data[i] * projection.Data[i];
            return sum;
        }

        if (analyticInput is not null) Compare("input", x.Data, x.Length, analyticInput, Loss, random, step, tolerance, samples);
        for (int p = 0; p < layer.Parameters.Count; p++)
        {
            Parameter parameter = layer.Parameters[p];
            Compare(parameter.Name, parameter.Value.Data, parameter.Count, analyticParams[p], Loss, random, step, tolerance, samples);
        }
    }

    /// <summary>
    /// Compares <paramref name="analytic"/> = dL/d<paramref name="values"/> with central differences of
    /// <paramref name="loss"/> on a seeded sample of entries (all when there are at most <paramref name="samples"/>).
    /// Used for layer inputs and parameters, and for the loss's logits.
    /// </summary>
    public static void Compare(
        string what, float[] values, int length, float[] analytic, Func<double> loss, EngineRandom random,
        double step = 1e-2, double tolerance = 2e-2, int samples = 40)
    {
        int checkedCount = 0, kinks = 0;
        for (int s = 0; s < Math.Min(samples, length); s++)
        {
            int i = length <= samples ? s : random.Next(length);
            double numeric = Difference(values, i, loss, step);
            // A kink (ReLU, max) between x − h and x + h makes the difference meaningless: detect it by halving h.
            double half = Difference(values, i, loss, step / 2);
            if (Math.Abs(numeric - half) > tolerance * Math.Max(1, Math.Abs(numeric)))
            {
                kinks++;
                continue;
            }
            checkedCount++;
            double error = Math.Abs(numeric - analytic[i]);
            Assert.True(error <= tolerance * Math.Max(1, Math.Abs(numeric)),
                $"d{what}[{i}]: finite difference {numeric:G6}, backward {analytic[i]:G6} (error {error:G3})");
        }
        Assert.True(kinks <= Math.Max(2, checkedCount / 4),
            $"d{what}: {kinks} of {kinks + checkedCount} sampled entries sat on a kink; the check is not meaningful");
    }

    private static double Difference(float[] values, int i, Func<double> loss, double step)
    {
        float saved = values[i];
        values[i] = (float)(saved + step);
        double plus = loss();
        values[i] = (float)(saved - step);
        double minus = loss();
        values[i] = saved;
        return (plus - minus) / (2 * step);
    }
}
