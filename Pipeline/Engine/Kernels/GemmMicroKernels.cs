using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel512(int kc, float* a, float* b, int ldbPanel, float* c, int ldc, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++, a += Mr512, b += ldbPanel)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            Vector512<float> x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }

        Store512(c, c00, c01, alpha, beta); c += ldc;
        Store512(c, c10, c11, alpha, beta); c += ldc;
        Store512(c, c20, c21, alpha, beta); c += ldc;
        Store512(c, c30, c31, alpha, beta); c += ldc;
        Store512(c, c40, c41, alpha, beta); c += ldc;
        Store512(c, c50, c51, alpha, beta); c += ldc;
        Store512(c, c60, c61, alpha, beta); c += ldc;
        Store512(c, c70, c71, alpha, beta);
    }

    /// <summary>
    /// Kernel512 for an edge strip of at most 4 valid rows (same packed layout, stride MR): half the FMAs.
    /// Writes rows 0..3 of a scratch tile (leading dimension NR) with alpha; the caller copies the valid part.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel512Rows4(int kc, float* a, float* b, int ldbPanel, float* tile, float alpha)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default;
        for (int p = 0; p < kc; p++, a += Mr512, b += ldbPanel)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            Vector512<float> x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
        }
        Store512(tile, c00, c01, alpha, 0); tile += Nr512;
        Store512(tile, c10, c11, alpha, 0); tile += Nr512;
        Store512(tile, c20, c21, alpha, 0); tile += Nr512;
        Store512(tile, c30, c31, alpha, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* dst, Vector512<float> lo, Vector512<float> hi, float alpha, float beta)
    {
        Vector512<float> va = Vector512.Create(alpha);
        lo *= va;
        hi *= va;
        if (beta != 0)
        {
            Vector512<float> vb = Vector512.Create(beta);
            lo = Vector512.FusedMultiplyAdd(Vector512.Load(dst), vb, lo);
            hi = Vector512.FusedMultiplyAdd(Vector512.Load(dst + 16), vb, hi);
        }
        Vector512.Store(lo, dst);
        Vector512.Store(hi, dst + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel256(int kc, float* a, float* b, int ldbPanel, float* c, int ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a += Mr256, b += ldbPanel)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
            Vector256<float> x = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
        }

        Store256(c, c00, c01, alpha, beta); c += ldc;
        Store256(c, c10, c11, alpha, beta); c += ldc;
        Store256(c, c20, c21, alpha, beta); c += ldc;
        Store256(c, c30, c31, alpha, beta); c += ldc;
        Store256(c, c40, c41, alpha, beta); c += ldc;
        Store256(c, c50, c51, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* dst, Vector256<float> lo, Vector256<float> hi, float alpha, float beta)
    {
        Vector256<float> va = Vector256.Create(alpha);
        lo *= va;
        hi *= va;
        if (beta != 0)
        {
            Vector256<float> vb = Vector256.Create(beta);
            lo = Vector256.FusedMultiplyAdd(Vector256.Load(dst), vb, lo);
            hi = Vector256.FusedMultiplyAdd(Vector256.Load(dst + 8), vb, hi);
        }
        Vector256.Store(lo, dst);
        Vector256.Store(hi, dst + 8);
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
