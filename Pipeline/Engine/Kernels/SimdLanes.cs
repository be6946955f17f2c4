using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using V256 = System.Runtime.Intrinsics.Vector256<float>;
using V512 = System.Runtime.Intrinsics.Vector512<float>;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// The float vector operations a kernel body needs, for TVec = Vector512&lt;float&gt; (AVX-512, 16 lanes) or
/// Vector256&lt;float&gt; (AVX2, 8 lanes), so that a SIMD body is written once as a generic method over TVec.
/// The JIT compiles a generic method once per struct type argument and folds <c>typeof(TVec) == typeof(…)</c>
/// to a constant, so each copy is a straight Vector512 or Vector256 body: the same instructions and bits as a
/// hand-written one. (The runtime's <c>ISimdVector&lt;TSelf, T&gt;</c> would do this, but is internal in .NET 10.0 and
/// has no exact fused multiply-add.) Any other TVec throws <see cref="NotSupportedException"/> from the bit casts.
/// </summary>
/// <remarks>
/// Written for the JIT as it is: each operation is one small method of an if and two returns over intrinsics
/// (Unsafe.BitCast, typeof), with no helpers of its own, since a large kernel inlines a hundred of them and the JIT
/// stops inlining past a budget; no conditional expressions, whose value the JIT keeps in a temporary that stops it
/// folding a load into the instruction using it; and pointer + offset arguments rather than a read float or an added
/// pointer, which an inlined call would first copy into a register for the same reason.
/// </remarks>
internal static unsafe class SimdLanes<TVec> where TVec : struct
{
    /// <summary>Floats per vector: 16 or 8, a JIT-time constant.</summary>
    public static int Count
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Unsafe.SizeOf<TVec>() / sizeof(float);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Create(float value)
    {
        if (typeof(TVec) == typeof(V512)) return Unsafe.BitCast<V512, TVec>(Vector512.Create(value));
        return Unsafe.BitCast<V256, TVec>(Vector256.Create(value));
    }

    /// <summary>All lanes = source[index].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Broadcast(float* source, int index)
    {
        if (typeof(TVec) == typeof(V512)) return Unsafe.BitCast<V512, TVec>(Vector512.Create(source[index]));
        return Unsafe.BitCast<V256, TVec>(Vector256.Create(source[index]));
    }

    /// <summary>The vector at source + offset floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load(float* source, int offset)
    {
        if (typeof(TVec) == typeof(V512)) return Unsafe.BitCast<V512, TVec>(Vector512.Load(source + offset));
        return Unsafe.BitCast<V256, TVec>(Vector256.Load(source + offset));
    }

    /// <summary>Writes the vector at destination + offset floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(TVec value, float* destination, int offset)
    {
        if (typeof(TVec) == typeof(V512)) Vector512.Store(Unsafe.BitCast<TVec, V512>(value), destination + offset);
        else Vector256.Store(Unsafe.BitCast<TVec, V256>(value), destination + offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Add(TVec left, TVec right)
    {
        if (typeof(TVec) == typeof(V512))
            return Unsafe.BitCast<V512, TVec>(Unsafe.BitCast<TVec, V512>(left) + Unsafe.BitCast<TVec, V512>(right));
        return Unsafe.BitCast<V256, TVec>(Unsafe.BitCast<TVec, V256>(left) + Unsafe.BitCast<TVec, V256>(right));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec LoadUnsafe(ref float source, nuint index)
    {
        if (typeof(TVec) == typeof(V512)) return Unsafe.BitCast<V512, TVec>(Vector512.LoadUnsafe(ref source, index));
        return Unsafe.BitCast<V256, TVec>(Vector256.LoadUnsafe(ref source, index));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreUnsafe(TVec value, ref float destination, nuint index)
    {
        if (typeof(TVec) == typeof(V512)) Unsafe.BitCast<TVec, V512>(value).StoreUnsafe(ref destination, index);
        else Unsafe.BitCast<TVec, V256>(value).StoreUnsafe(ref destination, index);
    }

    /// <summary>a·b + c rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec FusedMultiplyAdd(TVec a, TVec b, TVec c)
    {
        if (typeof(TVec) == typeof(V512))
        {
            return Unsafe.BitCast<V512, TVec>(Vector512.FusedMultiplyAdd(
                Unsafe.BitCast<TVec, V512>(a), Unsafe.BitCast<TVec, V512>(b), Unsafe.BitCast<TVec, V512>(c)));
        }
        return Unsafe.BitCast<V256, TVec>(Vector256.FusedMultiplyAdd(
            Unsafe.BitCast<TVec, V256>(a), Unsafe.BitCast<TVec, V256>(b), Unsafe.BitCast<TVec, V256>(c)));
    }

    /// <summary>The sum of the lanes, in the order the width's own Sum adds them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(TVec value)
    {
        if (typeof(TVec) == typeof(V512)) return Vector512.Sum(Unsafe.BitCast<TVec, V512>(value));
        return Vector256.Sum(Unsafe.BitCast<TVec, V256>(value));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Multiply(TVec left, TVec right)
    {
        if (typeof(TVec) == typeof(V512))
            return Unsafe.BitCast<V512, TVec>(Unsafe.BitCast<TVec, V512>(left) * Unsafe.BitCast<TVec, V512>(right));
        return Unsafe.BitCast<V256, TVec>(Unsafe.BitCast<TVec, V256>(left) * Unsafe.BitCast<TVec, V256>(right));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Subtract(TVec left, TVec right)
    {
        if (typeof(TVec) == typeof(V512))
            return Unsafe.BitCast<V512, TVec>(Unsafe.BitCast<TVec, V512>(left) - Unsafe.BitCast<TVec, V512>(right));
        return Unsafe.BitCast<V256, TVec>(Unsafe.BitCast<TVec, V256>(left) - Unsafe.BitCast<TVec, V256>(right));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Divide(TVec left, TVec right)
    {
        if (typeof(TVec) == typeof(V512))
            return Unsafe.BitCast<V512, TVec>(Unsafe.BitCast<TVec, V512>(left) / Unsafe.BitCast<TVec, V512>(right));
        return Unsafe.BitCast<V256, TVec>(Unsafe.BitCast<TVec, V256>(left) / Unsafe.BitCast<TVec, V256>(right));
    }

    /// <summary>√x per lane, correctly rounded (as MathF.Sqrt).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Sqrt(TVec value)
    {
        if (typeof(TVec) == typeof(V512)) return Unsafe.BitCast<V512, TVec>(Vector512.Sqrt(Unsafe.BitCast<TVec, V512>(value)));
        return Unsafe.BitCast<V256, TVec>(Vector256.Sqrt(Unsafe.BitCast<TVec, V256>(value)));
    }

    /// <summary>Per lane: <paramref name="whenPositive"/> where test &gt; 0, else <paramref name="otherwise"/> (NaN: otherwise).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec WherePositive(TVec test, TVec whenPositive, TVec otherwise)
    {
        if (typeof(TVec) == typeof(V512))
            return Unsafe.BitCast<V512, TVec>(Vector512.ConditionalSelect(Vector512.GreaterThan(Unsafe.BitCast<TVec, V512>(test),
                V512.Zero), Unsafe.BitCast<TVec, V512>(whenPositive), Unsafe.BitCast<TVec, V512>(otherwise)));
        return Unsafe.BitCast<V256, TVec>(Vector256.ConditionalSelect(Vector256.GreaterThan(Unsafe.BitCast<TVec, V256>(test),
            V256.Zero), Unsafe.BitCast<TVec, V256>(whenPositive), Unsafe.BitCast<TVec, V256>(otherwise)));
    }
}
