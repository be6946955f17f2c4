using CsCheck;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>Shared pieces of the kernel-vs-reference tests: seeded case lists, random data, a tolerance check.</summary>
public static class KernelCases
{
    /// <summary>A fixed list of cases drawn from <paramref name="generator"/> with a fixed PCG seed: the same every run.</summary>
    public static IEnumerable<T> Sample<T>(Gen<T> generator, int count, ulong seed)
    {
        var pcg = new PCG(11, seed);
        for (int i = 0; i < count; i++) yield return generator.Generate(pcg, null, out _);
    }

    /// <summary>
    /// One axis of a sliding window: input 1..10, kernel 1..4, stride 1..3, padding/ceil mode (valid needs input ≥ kernel).
    /// </summary>
    public static readonly Gen<Window> Axis =
        Gen.Select(Gen.Int[1, 10], Gen.Int[1, 4], Gen.Int[1, 3], Gen.Int[0, 2])
            .Select(t => Window.Create(Math.Max(t.Item1, t.Item2), t.Item2, t.Item3,
                t.Item4 == 1 ? Padding.Same : Padding.Valid, ceilMode: t.Item4 == 2, "test"));

    public static float[] Random(int length, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        return values;
    }

    /// <summary>|actual − expected| ≤ tolerance·max(1, |expected|) elementwise.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double tolerance = 1e-5)
    {
        Assert.True(expected.Length <= actual.Length, $"{what}: expected at least {expected.Length} values, received {actual.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs((double)actual[i] - expected[i]);
            if (!(error <= tolerance * Math.Max(1, Math.Abs(expected[i]))))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:G9} (reference), received {actual[i]:G9}");
        }
    }
}
