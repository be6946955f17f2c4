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
        {
            Vector512<float> s = default, d = default;
            for (; i <= a.Length - 16; i += 16)
            {
                var va = Vector512.LoadUnsafe(ref ra, (nuint)i);
                s += va;
                d = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref rb, (nuint)i), d);
            }
            (sum, dot) = (Vector512.Sum(s), Vector512.Sum(d));
        }
        else if (Vector256.IsHardwareAccelerated && a.Length >= 8)
        {
            Vector256<float> s = default, d = default;
            for (; i <= a.Length - 8; i += 8)
            {
                var va = Vector256.LoadUnsafe(ref ra, (nuint)i);
                s += va;
                d = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref rb, (nuint)i), d);
            }
            (sum, dot) = (Vector256.Sum(s), Vector256.Sum(d));
        }
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
        {
            var vk = Vector512.Create(k);
            var vp = Vector512.Create(p);
            var vq = Vector512.Create(q);
            for (; i <= a.Length - 16; i += 16)
            {
                var t = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref rb, (nuint)i), vp, vq);
                Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ra, (nuint)i), vk, t).StoreUnsafe(ref rz, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && a.Length >= 8)
        {
            var vk = Vector256.Create(k);
            var vp = Vector256.Create(p);
            var vq = Vector256.Create(q);
            for (; i <= a.Length - 8; i += 8)
            {
                var t = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref rb, (nuint)i), vp, vq);
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)i), vk, t).StoreUnsafe(ref rz, (nuint)i);
            }
        }
        for (; i < a.Length; i++) Unsafe.Add(ref rz, i) = k * Unsafe.Add(ref ra, i) + (p * Unsafe.Add(ref rb, i) + q);
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
