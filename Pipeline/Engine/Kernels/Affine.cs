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
        if (Vector512.IsHardwareAccelerated && x.Length >= 16)
        {
            var va = Vector512.Create(a);
            var vb = Vector512.Create(b);
            for (; i <= x.Length - 16; i += 16)
                Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xs, (nuint)i), va, vb).StoreUnsafe(ref ys, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated && x.Length >= 8)
        {
            var va = Vector256.Create(a);
            var vb = Vector256.Create(b);
            for (; i <= x.Length - 8; i += 8)
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xs, (nuint)i), va, vb).StoreUnsafe(ref ys, (nuint)i);
        }
        for (; i < x.Length; i++) Unsafe.Add(ref ys, i) = MathF.FusedMultiplyAdd(Unsafe.Add(ref xs, i), a, b);
    }

    /// <summary>Scalar reference twin of <see cref="Apply"/>.</summary>
    public static void Reference(ReadOnlySpan<float> x, float a, float b, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = a * x[i] + b;
    }
}
