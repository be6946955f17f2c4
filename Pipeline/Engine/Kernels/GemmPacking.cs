using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the layouts the micro-kernels stream through, zero-padding the edge strips
/// so every micro-kernel call sees a full MR×NR tile:
/// A block [mc×kc] → strips of MR rows, each [kc][MR]; B block [kc×nc] → strips of NR columns, each [kc][NR].
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>Packs op(A)[0..mc, 0..kc] (a points at its first element) into <paramref name="dst"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(bool transposeA, float* a, int lda, int mc, int kc, int mr, float* dst)
    {
        for (int i0 = 0; i0 < mc; i0 += mr, dst += kc * mr)
        {
            int rows = Math.Min(mr, mc - i0);
            if (rows < mr) new Span<float>(dst, kc * mr).Clear();
            if (transposeA)
            {
                // op(A)[i, p] = a[p·lda + i]: each k-step is `rows` contiguous floats.
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (long)p * lda + i0;
                    float* d = dst + p * mr;
                    for (int r = 0; r < rows; r++) d[r] = src[r];
                }
            }
            else
            {
                // op(A)[i, p] = a[i·lda + p]: read each row along k, write with stride MR.
                for (int r = 0; r < rows; r++)
                {
                    float* src = a + (long)(i0 + r) * lda;
                    float* d = dst + r;
                    for (int p = 0; p < kc; p++) d[p * mr] = src[p];
                }
            }
        }
    }

    /// <summary>Packs op(B)[0..kc, 0..nc] (b points at its first element) into <paramref name="dst"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(bool transposeB, float* b, int ldb, int kc, int nc, int nr, float* dst)
    {
        for (int j0 = 0; j0 < nc; j0 += nr, dst += kc * nr)
        {
            int cols = Math.Min(nr, nc - j0);
            if (transposeB)
            {
                // op(B)[p, j] = b[j·ldb + p]: read each stored row along k, write with stride NR.
                if (cols < nr) new Span<float>(dst, kc * nr).Clear();
                for (int c = 0; c < cols; c++)
                {
                    float* src = b + (long)(j0 + c) * ldb;
                    float* d = dst + c;
                    for (int p = 0; p < kc; p++) d[p * nr] = src[p];
                }
            }
            else if (cols == nr)
            {
                // op(B)[p, j] = b[p·ldb + j]: a full strip row is NR contiguous floats.
                for (int p = 0; p < kc; p++) CopyRow(b + (long)p * ldb + j0, dst + p * nr, nr);
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = b + (long)p * ldb + j0;
                    float* d = dst + p * nr;
                    int c = 0;
                    for (; c < cols; c++) d[c] = src[c];
                    for (; c < nr; c++) d[c] = 0;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(float* src, float* dst, int count)
    {
        int c = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; c + 8 <= count; c += 8) Vector256.Store(Vector256.Load(src + c), dst + c);
        }
        for (; c < count; c++) dst[c] = src[c];
    }
}
