using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// The float vector operations a kernel body needs, for TVec = Vector512&lt;float&gt; (AVX-512, 16 lanes) or
/// Vector256&lt;float&gt; (AVX2, 8 lanes), so that a SIMD body is written once as a generic method over TVec.
/// The JIT compiles a generic method once per struct type argument and folds <c>typeof(TVec) == typeof(…)</c>
/// to a constant, so each copy is a straight Vector512 or Vector256 body: the same instructions and bits as a
/// hand-written one. (The runtime's <c>ISimdVector&lt;TSelf, T&gt;</c> would do this, but is internal in .NET 10.0 and
/// has no exact fused multiply-add.) Any other TVec throws <see cref="NotSupportedException"/> from the bit casts.
/// </summary>
internal static unsafe class SimdLanes<TVec> where TVec : struct
{
    /// <summary>Floats per vector: 16 or 8, a JIT-time constant.</summary>
    public static int Count
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Unsafe.SizeOf<TVec>() / sizeof(float);
    }

    private static bool Is512
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => typeof(TVec) == typeof(Vector512<float>);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Create(float value) => Is512 ? Of(Vector512.Create(value)) : Of(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load(float* source) => Is512 ? Of(Vector512.Load(source)) : Of(Vector256.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec LoadUnsafe(ref float source, nuint index) =>
        Is512 ? Of(Vector512.LoadUnsafe(ref source, index)) : Of(Vector256.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(TVec value, float* destination)
    {
        if (Is512) Vector512.Store(Wide(value), destination);
        else Vector256.Store(Narrow(value), destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreUnsafe(TVec value, ref float destination, nuint index)
    {
        if (Is512) Wide(value).StoreUnsafe(ref destination, index);
        else Narrow(value).StoreUnsafe(ref destination, index);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Add(TVec left, TVec right) => Is512 ? Of(Wide(left) + Wide(right)) : Of(Narrow(left) + Narrow(right));

    /// <summary>a·b + c rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec FusedMultiplyAdd(TVec a, TVec b, TVec c) => Is512
        ? Of(Vector512.FusedMultiplyAdd(Wide(a), Wide(b), Wide(c)))
        : Of(Vector256.FusedMultiplyAdd(Narrow(a), Narrow(b), Narrow(c)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Multiply(TVec left, TVec right) => Is512 ? Of(Wide(left) * Wide(right)) : Of(Narrow(left) * Narrow(right));

    /// <summary>The sum of the lanes, in the order the width's own Sum adds them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(TVec value) => Is512 ? Vector512.Sum(Wide(value)) : Vector256.Sum(Narrow(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Of(Vector512<float> value) => Unsafe.BitCast<Vector512<float>, TVec>(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Of(Vector256<float> value) => Unsafe.BitCast<Vector256<float>, TVec>(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Wide(TVec value) => Unsafe.BitCast<TVec, Vector512<float>>(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Narrow(TVec value) => Unsafe.BitCast<TVec, Vector256<float>>(value);
}
