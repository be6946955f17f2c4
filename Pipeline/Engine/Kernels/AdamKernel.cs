using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// One Adam step over a parameter, per element in PyTorch's order of operations:
/// g = ∇ + c·w; m ← β₁·m + (1 − β₁)·g; v ← β₂·v + ((1 − β₂)·g)·g; w ← w·s − (α·m) / (√v / r + ε),
/// with c the coupled decay (Adam's L2, 0 for AdamW), s the decoupled shrink (AdamW's 1 − lr·λ, 1 for Adam),
/// α = lr / (1 − β₁ᵗ) and r = √(1 − β₂ᵗ). The vector lanes make the scalar operations one for one (no fused
/// multiply-add; √ and ÷ round correctly either way), so the bits are <see cref="Reference"/>'s. It runs on the calling
/// thread: splitting fast's ~280 k weights across the pool measured slower (benchmarks/experiments, "Engine speed").
/// </summary>
public static unsafe class AdamKernel
{
    /// <summary>The rule's β₁, β₂ and ε, and the step's c, s, α and r (see <see cref="AdamKernel"/>).</summary>
    public readonly record struct Coefficients(float Beta1, float Beta2, float Epsilon, float Coupled, float Shrink, float StepSize,
        float RootCorrection2);

    /// <summary>Updates <paramref name="m"/>, <paramref name="v"/> and <paramref name="value"/> in place.</summary>
    public static void Step(ReadOnlySpan<float> gradient, Coefficients k, Span<float> m, Span<float> v, Span<float> value)
    {
        int n = value.Length;
        if (gradient.Length < n || m.Length < n || v.Length < n)
            throw new ArgumentException($"AdamKernel: expected gradient, m and v of at least {n} floats. Received {gradient.Length}, " +
                $"{m.Length} and {v.Length}.");
        fixed (float* pg = gradient) fixed (float* pm = m) fixed (float* pv = v) fixed (float* pw = value)
            Lanes(pg, k, pm, pv, pw, n);
    }

    private static void Lanes(float* g, Coefficients k, float* m, float* v, float* w, int count)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated && count >= 16) i = Vectors<Vector512<float>>(g, k, m, v, w, count);
        else if (Vector256.IsHardwareAccelerated && count >= 8) i = Vectors<Vector256<float>>(g, k, m, v, w, count);
        for (; i < count; i++) Element(g, k, m, v, w, i);
    }

    /// <summary>The whole vectors of <see cref="Lanes"/>; returns where the tail starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Vectors<TVec>(float* pg, Coefficients k, float* pm, float* pv, float* pw, int count) where TVec : struct
    {
        TVec beta1 = SimdLanes<TVec>.Create(k.Beta1), rest1 = SimdLanes<TVec>.Create(1 - k.Beta1);
        TVec beta2 = SimdLanes<TVec>.Create(k.Beta2), rest2 = SimdLanes<TVec>.Create(1 - k.Beta2);
        TVec coupled = SimdLanes<TVec>.Create(k.Coupled), shrink = SimdLanes<TVec>.Create(k.Shrink);
        TVec stepSize = SimdLanes<TVec>.Create(k.StepSize), root = SimdLanes<TVec>.Create(k.RootCorrection2);
        TVec epsilon = SimdLanes<TVec>.Create(k.Epsilon);
        int i = 0, lanes = SimdLanes<TVec>.Count;
        for (; i <= count - lanes; i += lanes)
        {
            TVec w = SimdLanes<TVec>.Load(pw, i);
            TVec g = SimdLanes<TVec>.Add(SimdLanes<TVec>.Load(pg, i), SimdLanes<TVec>.Multiply(coupled, w));
            TVec m = SimdLanes<TVec>.Add(SimdLanes<TVec>.Multiply(beta1, SimdLanes<TVec>.Load(pm, i)), SimdLanes<TVec>.Multiply(rest1, g));
            TVec v = SimdLanes<TVec>.Add(SimdLanes<TVec>.Multiply(beta2, SimdLanes<TVec>.Load(pv, i)),
                SimdLanes<TVec>.Multiply(SimdLanes<TVec>.Multiply(rest2, g), g));
            SimdLanes<TVec>.Store(m, pm, i);
            SimdLanes<TVec>.Store(v, pv, i);
            TVec denominator = SimdLanes<TVec>.Add(SimdLanes<TVec>.Divide(SimdLanes<TVec>.Sqrt(v), root), epsilon);
            TVec update = SimdLanes<TVec>.Divide(SimdLanes<TVec>.Multiply(stepSize, m), denominator);
            SimdLanes<TVec>.Store(SimdLanes<TVec>.Subtract(SimdLanes<TVec>.Multiply(w, shrink), update), pw, i);
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Element(float* gradient, Coefficients k, float* m, float* v, float* value, int i)
    {
        float g = gradient[i] + k.Coupled * value[i];
        m[i] = k.Beta1 * m[i] + (1 - k.Beta1) * g;
        v[i] = k.Beta2 * v[i] + (1 - k.Beta2) * g * g;
        value[i] = value[i] * k.Shrink - k.StepSize * m[i] / (MathF.Sqrt(v[i]) / k.RootCorrection2 + k.Epsilon);
    }

    /// <summary>Scalar reference twin of <see cref="Step"/> (the element code <see cref="Step"/>'s tail runs).</summary>
    public static void Reference(ReadOnlySpan<float> gradient, Coefficients k, Span<float> m, Span<float> v, Span<float> value)
    {
        if (gradient.Length < value.Length || m.Length < value.Length || v.Length < value.Length)
            throw new ArgumentException($"AdamKernel: expected gradient, m and v of at least {value.Length} floats.");
        fixed (float* pg = gradient) fixed (float* pm = m) fixed (float* pv = v) fixed (float* pw = value)
            for (int i = 0; i < value.Length; i++) Element(pg, k, pm, pv, pw, i);
    }
}
