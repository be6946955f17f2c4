using System.Runtime.Intrinsics.X86;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>A test of a routine written with AVX2 instructions: on a CPU without them the kernels take other paths.</summary>
internal sealed class Avx2FactAttribute : FactAttribute
{
    public Avx2FactAttribute()
    {
        if (!Avx2.IsSupported) Skip = "AVX2 is not supported on this CPU";
    }
}

/// <inheritdoc cref="Avx2FactAttribute"/>
internal sealed class Avx2TheoryAttribute : TheoryAttribute
{
    public Avx2TheoryAttribute()
    {
        if (!Avx2.IsSupported) Skip = "AVX2 is not supported on this CPU";
    }
}

/// <summary>Inputs for the lane routines' tests: seeded values, and buffers filled with a value no routine writes.</summary>
internal static class LaneBuffers
{
    public const float Sentinel = -12345f;

    public static float[] Random(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => (float)random.NextDouble() - 0.5f)];

    public static float[] Filled(int count) => Enumerable.Repeat(Sentinel, count).ToArray();
}
