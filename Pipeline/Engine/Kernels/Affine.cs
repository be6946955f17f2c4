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

    /// <summary>
    /// dx = dy where a·x + b &gt; 0, else 0·dy: the backward of y = max(a·x + b, 0) from x, with a·x + b computed as
    /// <see cref="Apply"/> computes it (one fma per element, whatever the lane), so the mask is the one y &gt; 0 gives and
    /// the bits are those of Activations' ReLU backward on y. dx may be dy.
    /// </summary>
    public static void ReluBackward(ReadOnlySpan<float> x, float a, float b, ReadOnlySpan<float> dy, Span<float> dx)
    {
        if (dy.Length < x.Length || dx.Length < x.Length)
            throw new ArgumentException($"Affine: expected dy and dx of at least {x.Length} floats. Received {dy.Length} and {dx.Length}.");
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float dys = ref MemoryMarshal.GetReference(dy);
        ref float dxs = ref MemoryMarshal.GetReference(dx);
        int i = 0;
        if (Vector512.IsHardwareAccelerated && x.Length >= 16)
            i = ReluBackwardVectors<Vector512<float>>(ref xs, a, b, ref dys, ref dxs, x.Length);
        else if (Vector256.IsHardwareAccelerated && x.Length >= 8)
            i = ReluBackwardVectors<Vector256<float>>(ref xs, a, b, ref dys, ref dxs, x.Length);
        for (; i < x.Length; i++)
        {
            float g = Unsafe.Add(ref dys, i);
            Unsafe.Add(ref dxs, i) = MathF.FusedMultiplyAdd(Unsafe.Add(ref xs, i), a, b) > 0 ? g : 0f * g;
        }
    }

    /// <summary>The whole vectors of <see cref="ReluBackward"/>; returns where the tail starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReluBackwardVectors<TVec>(ref float xs, float a, float b, ref float dys, ref float dxs, int length)
        where TVec : struct
    {
        TVec va = SimdLanes<TVec>.Create(a), vb = SimdLanes<TVec>.Create(b), zero = SimdLanes<TVec>.Create(0f);
        int i = 0, lanes = SimdLanes<TVec>.Count;
        for (; i <= length - lanes; i += lanes)
        {
            TVec y = SimdLanes<TVec>.FusedMultiplyAdd(SimdLanes<TVec>.LoadUnsafe(ref xs, (nuint)i), va, vb);
            TVec g = SimdLanes<TVec>.LoadUnsafe(ref dys, (nuint)i);
            TVec dx = SimdLanes<TVec>.WherePositive(y, g, SimdLanes<TVec>.Multiply(g, zero));
            SimdLanes<TVec>.StoreUnsafe(dx, ref dxs, (nuint)i);
        }
        return i;
    }

    /// <summary>Scalar reference twin of <see cref="Apply"/>.</summary>
    public static void Reference(ReadOnlySpan<float> x, float a, float b, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = a * x[i] + b;
    }

    /// <summary>Scalar reference twin of <see cref="ReluBackward"/>.</summary>
    public static void ReluBackwardReference(ReadOnlySpan<float> x, float a, float b, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++) dx[i] = MathF.FusedMultiplyAdd(x[i], a, b) > 0 ? dy[i] : 0f * dy[i];
    }
}
