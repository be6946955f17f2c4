using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// y = a·x + b with scalars a, b: batch norm's per-channel scale and shift in one pass (TensorPrimitives has
/// MultiplyAdd for a scalar factor or a scalar addend, not both).
/// </summary>
public static class Affine
{
    public static void Apply(ReadOnlySpan<float> x, float a, float b, Span<float> y)
    {
        if (y.Length < x.Length)
            throw new ArgumentException($"Affine: expected a destination of at least {x.Length} floats. Received {y.Length}.");
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated && x.Length >= 16) i = ApplyVectors<Vector512<float>>(ref xs, a, b, ref ys, x.Length);
        else if (Vector256.IsHardwareAccelerated && x.Length >= 8) i = ApplyVectors<Vector256<float>>(ref xs, a, b, ref ys, x.Length);
        for (; i < x.Length; i++) Unsafe.Add(ref ys, i) = MathF.FusedMultiplyAdd(Unsafe.Add(ref xs, i), a, b);
    }

    /// <summary>The whole vectors of <see cref="Apply"/>: y = fma(x, a, b); returns where the tail starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ApplyVectors<TVec>(ref float xs, float a, float b, ref float ys, int length) where TVec : struct
    {
        TVec va = SimdLanes<TVec>.Create(a), vb = SimdLanes<TVec>.Create(b);
        int i = 0, lanes = SimdLanes<TVec>.Count;
        for (; i <= length - lanes; i += lanes)
        {
            TVec y = SimdLanes<TVec>.FusedMultiplyAdd(SimdLanes<TVec>.LoadUnsafe(ref xs, (nuint)i), va, vb);
            SimdLanes<TVec>.StoreUnsafe(y, ref ys, (nuint)i);
        }
        return i;
    }

    /// <summary>Scalar reference twin of <see cref="Apply"/>.</summary>
    public static void Reference(ReadOnlySpan<float> x, float a, float b, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = a * x[i] + b;
    }
}
