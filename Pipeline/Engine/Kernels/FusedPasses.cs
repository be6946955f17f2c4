using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// One-pass pairs of reductions and element-wise updates for batch norm, whose first feature map (128×32×28×28
/// floats, 12.8 MB) does not fit in cache: each pass saved is a trip through memory.
/// </summary>
public static class FusedPasses
{
    /// <summary>(Σ a, Σ a·b) in one pass (b = a gives Σx and Σx²).</summary>
    public static (float Sum, float Dot) SumAndDot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (b.Length < a.Length)
            throw new ArgumentException($"FusedPasses.SumAndDot: expected b of at least {a.Length} floats. Received {b.Length}.");
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        int i = 0;
        float sum = 0, dot = 0;
        if (Vector512.IsHardwareAccelerated && a.Length >= 16)
            (sum, dot, i) = SumAndDotVectors<Vector512<float>>(ref ra, ref rb, a.Length);
        else if (Vector256.IsHardwareAccelerated && a.Length >= 8)
            (sum, dot, i) = SumAndDotVectors<Vector256<float>>(ref ra, ref rb, a.Length);
        for (; i < a.Length; i++)
        {
            float va = Unsafe.Add(ref ra, i);
            sum += va;
            dot += va * Unsafe.Add(ref rb, i);
        }
        return (sum, dot);
    }

    /// <summary>z = k·a + p·b + q with scalars k, p, q, in one pass.</summary>
    public static void Combine(ReadOnlySpan<float> a, float k, ReadOnlySpan<float> b, float p, float q, Span<float> z)
    {
        if (b.Length < a.Length || z.Length < a.Length)
            throw new ArgumentException($"FusedPasses.Combine: expected b and z of at least {a.Length} floats. Received {b.Length} and " +
                $"{z.Length}.");
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rz = ref MemoryMarshal.GetReference(z);
        int i = 0;
        if (Vector512.IsHardwareAccelerated && a.Length >= 16)
            i = CombineVectors<Vector512<float>>(ref ra, k, ref rb, p, q, ref rz, a.Length);
        else if (Vector256.IsHardwareAccelerated && a.Length >= 8)
            i = CombineVectors<Vector256<float>>(ref ra, k, ref rb, p, q, ref rz, a.Length);
        for (; i < a.Length; i++) Unsafe.Add(ref rz, i) = k * Unsafe.Add(ref ra, i) + (p * Unsafe.Add(ref rb, i) + q);
    }

    /// <summary>The whole vectors of <see cref="SumAndDot"/>: the lane sums of Σ a and Σ a·b, and where the tail starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float Sum, float Dot, int End) SumAndDotVectors<TVec>(ref float ra, ref float rb, int length) where TVec : struct
    {
        TVec s = default, d = default;
        int i = 0, lanes = SimdLanes<TVec>.Count;
        for (; i <= length - lanes; i += lanes)
        {
            TVec va = SimdLanes<TVec>.LoadUnsafe(ref ra, (nuint)i);
            s = SimdLanes<TVec>.Add(s, va);
            d = SimdLanes<TVec>.FusedMultiplyAdd(va, SimdLanes<TVec>.LoadUnsafe(ref rb, (nuint)i), d);
        }
        return (SimdLanes<TVec>.Sum(s), SimdLanes<TVec>.Sum(d), i);
    }

    /// <summary>The whole vectors of <see cref="Combine"/>: z = fma(a, k, fma(b, p, q)); returns where the tail starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CombineVectors<TVec>(ref float ra, float k, ref float rb, float p, float q, ref float rz, int length)
        where TVec : struct
    {
        TVec vk = SimdLanes<TVec>.Create(k), vp = SimdLanes<TVec>.Create(p), vq = SimdLanes<TVec>.Create(q);
        int i = 0, lanes = SimdLanes<TVec>.Count;
        for (; i <= length - lanes; i += lanes)
        {
            TVec t = SimdLanes<TVec>.FusedMultiplyAdd(SimdLanes<TVec>.LoadUnsafe(ref rb, (nuint)i), vp, vq);
            TVec z = SimdLanes<TVec>.FusedMultiplyAdd(SimdLanes<TVec>.LoadUnsafe(ref ra, (nuint)i), vk, t);
            SimdLanes<TVec>.StoreUnsafe(z, ref rz, (nuint)i);
        }
        return i;
    }

    /// <summary>Scalar reference twin of <see cref="SumAndDot"/> (double accumulation).</summary>
    public static (float Sum, float Dot) SumAndDotReference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0, dot = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i];
            dot += (double)a[i] * b[i];
        }
        return ((float)sum, (float)dot);
    }

    /// <summary>Scalar reference twin of <see cref="Combine"/>.</summary>
    public static void CombineReference(ReadOnlySpan<float> a, float k, ReadOnlySpan<float> b, float p, float q, Span<float> z)
    {
        for (int i = 0; i < a.Length; i++) z[i] = k * a[i] + p * b[i] + q;
    }
}
