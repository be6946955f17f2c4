using System.Runtime.CompilerServices;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// The innermost GEMM loops: one MR×NR tile of C from a packed A strip [kc][MR] and a B strip [kc][NR] whose rows
/// are ldbPanel apart (NR when packed; ldb when read in place from a row-major B),
/// the tile held in registers for all of kc (register tiling), then written as C = alpha·acc + beta·C
/// (beta == 0 never reads C). Edge tiles (rows &lt; MR or cols &lt; NR): the caller passes a scratch tile as C
/// (beta 0) and copies its valid part with <see cref="CopyEdge"/>.
/// AVX-512: 8×32 (16 zmm accumulators); AVX2: 6×16 (12 ymm accumulators, of 16 registers); scalar: 4×4 loops.
/// </summary>
internal static unsafe class GemmMicroKernels
{
    public const int Mr512 = 8, Nr512 = 32;
    public const int Mr256 = 6, Nr256 = 16;
    public const int MrScalar = 4, NrScalar = 4;

    /// <summary>
    /// The TRows×(2·lanes) tile for TVec = Vector512&lt;float&gt; (Rows8: 8×32; Rows4: an edge strip of at most 4 valid
    /// rows, half the FMAs, same packed layout) or Vector256&lt;float&gt; (Rows6: 6×16). The A strip's stride is the
    /// width's full MR whatever TRows is; TRows is a JIT-time constant, so the unused accumulators and rows vanish.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel<TVec, TRows>(int kc, float* a, float* b, int ldbPanel, float* c, int ldc, float alpha, float beta)
        where TVec : struct
        where TRows : struct, ITileRows
    {
        int lanes = SimdLanes<TVec>.Count, mr = lanes == 16 ? Mr512 : Mr256;
        TVec c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++, a += mr, b += ldbPanel)
        {
            TVec b0 = SimdLanes<TVec>.Load(b, 0), b1 = SimdLanes<TVec>.Load(b, lanes);
            TVec x = SimdLanes<TVec>.Broadcast(a, 0);
            c00 = SimdLanes<TVec>.FusedMultiplyAdd(x, b0, c00); c01 = SimdLanes<TVec>.FusedMultiplyAdd(x, b1, c01);
            x = SimdLanes<TVec>.Broadcast(a, 1);
            c10 = SimdLanes<TVec>.FusedMultiplyAdd(x, b0, c10); c11 = SimdLanes<TVec>.FusedMultiplyAdd(x, b1, c11);
            x = SimdLanes<TVec>.Broadcast(a, 2);
            c20 = SimdLanes<TVec>.FusedMultiplyAdd(x, b0, c20); c21 = SimdLanes<TVec>.FusedMultiplyAdd(x, b1, c21);
            x = SimdLanes<TVec>.Broadcast(a, 3);
            c30 = SimdLanes<TVec>.FusedMultiplyAdd(x, b0, c30); c31 = SimdLanes<TVec>.FusedMultiplyAdd(x, b1, c31);
            if (TRows.Count > 4)
            {
                x = SimdLanes<TVec>.Broadcast(a, 4);
                c40 = SimdLanes<TVec>.FusedMultiplyAdd(x, b0, c40); c41 = SimdLanes<TVec>.FusedMultiplyAdd(x, b1, c41);
                x = SimdLanes<TVec>.Broadcast(a, 5);
                c50 = SimdLanes<TVec>.FusedMultiplyAdd(x, b0, c50); c51 = SimdLanes<TVec>.FusedMultiplyAdd(x, b1, c51);
            }
            if (TRows.Count > 6)
            {
                x = SimdLanes<TVec>.Broadcast(a, 6);
                c60 = SimdLanes<TVec>.FusedMultiplyAdd(x, b0, c60); c61 = SimdLanes<TVec>.FusedMultiplyAdd(x, b1, c61);
                x = SimdLanes<TVec>.Broadcast(a, 7);
                c70 = SimdLanes<TVec>.FusedMultiplyAdd(x, b0, c70); c71 = SimdLanes<TVec>.FusedMultiplyAdd(x, b1, c71);
            }
        }

        Store(c, c00, c01, alpha, beta); c += ldc;
        Store(c, c10, c11, alpha, beta); c += ldc;
        Store(c, c20, c21, alpha, beta); c += ldc;
        Store(c, c30, c31, alpha, beta);
        if (TRows.Count > 4)
        {
            c += ldc; Store(c, c40, c41, alpha, beta);
            c += ldc; Store(c, c50, c51, alpha, beta);
        }
        if (TRows.Count > 6)
        {
            c += ldc; Store(c, c60, c61, alpha, beta);
            c += ldc; Store(c, c70, c71, alpha, beta);
        }
    }

    /// <summary>One tile row: dst[0 .. 2·lanes) = alpha·(lo, hi) + beta·dst (beta 0 never reads dst).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TVec>(float* dst, TVec lo, TVec hi, float alpha, float beta) where TVec : struct
    {
        TVec va = SimdLanes<TVec>.Create(alpha);
        lo = SimdLanes<TVec>.Multiply(lo, va);
        hi = SimdLanes<TVec>.Multiply(hi, va);
        if (beta != 0)
        {
            TVec vb = SimdLanes<TVec>.Create(beta);
            lo = SimdLanes<TVec>.FusedMultiplyAdd(SimdLanes<TVec>.Load(dst, 0), vb, lo);
            hi = SimdLanes<TVec>.FusedMultiplyAdd(SimdLanes<TVec>.Load(dst, SimdLanes<TVec>.Count), vb, hi);
        }
        SimdLanes<TVec>.Store(lo, dst, 0);
        SimdLanes<TVec>.Store(hi, dst, SimdLanes<TVec>.Count);
    }

    /// <summary>Portable fallback for machines without 256-bit SIMD: the same packed layout, plain loops.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void KernelScalar(int kc, float* a, float* b, int ldbPanel, float* c, int ldc, float alpha, float beta)
    {
        float* tile = stackalloc float[MrScalar * NrScalar];
        new Span<float>(tile, MrScalar * NrScalar).Clear();
        for (int p = 0; p < kc; p++, a += MrScalar, b += ldbPanel)
        {
            for (int r = 0; r < MrScalar; r++)
            {
                float x = a[r];
                for (int j = 0; j < NrScalar; j++) tile[r * NrScalar + j] += x * b[j];
            }
        }
        for (int i = 0; i < MrScalar * NrScalar; i++) tile[i] *= alpha;
        CopyEdge(tile, NrScalar, c, ldc, MrScalar, NrScalar, beta);
    }

    /// <summary>Writes the top-left rows×cols of an alpha-scaled tile transposed: C[j, r] = tile[r, j] + beta·C[j, r].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CopyEdgeTransposed(float* tile, int ldt, float* c, int ldc, int rows, int cols, float beta)
    {
        for (int j = 0; j < cols; j++)
        {
            float* dst = c + (long)j * ldc;
            if (beta == 0)
            {
                for (int r = 0; r < rows; r++) dst[r] = tile[r * ldt + j];
            }
            else
            {
                for (int r = 0; r < rows; r++) dst[r] = tile[r * ldt + j] + beta * dst[r];
            }
        }
    }

    /// <summary>Writes the top-left rows×cols of an alpha-scaled tile into C: C = tile + beta·C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CopyEdge(float* tile, int ldt, float* c, int ldc, int rows, int cols, float beta)
    {
        for (int r = 0; r < rows; r++)
        {
            float* src = tile + r * ldt;
            float* dst = c + (long)r * ldc;
            if (beta == 0)
            {
                for (int j = 0; j < cols; j++) dst[j] = src[j];
            }
            else
            {
                for (int j = 0; j < cols; j++) dst[j] = src[j] + beta * dst[j];
            }
        }
    }
}

/// <summary>The rows of a micro-kernel tile as a type, so that the JIT compiles one kernel body per count.</summary>
internal interface ITileRows
{
    static abstract int Count { get; }
}

internal readonly struct Rows4 : ITileRows { public static int Count => 4; }

internal readonly struct Rows6 : ITileRows { public static int Count => 6; }

internal readonly struct Rows8 : ITileRows { public static int Count => 8; }
