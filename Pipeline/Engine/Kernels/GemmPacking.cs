using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
                    if (rows == 8 && Vector256.IsHardwareAccelerated) Vector256.Store(Vector256.Load(src), d);
                    else for (int r = 0; r < rows; r++) d[r] = src[r];
                }
            }
            else
            {
                // op(A)[i, p] = a[i·lda + p]: read each row along k, write with stride MR; 8 rows of 8 at a
                // time through a register transpose when MR = 8.
                int done = 0;
                if (mr == 8 && rows == 8 && Avx.IsSupported)
                {
                    for (; done + 8 <= kc; done += 8) Transpose8x8(a + (long)i0 * lda + done, lda, dst + done * 8, 8);
                }
                for (int r = 0; r < rows; r++)
                {
                    float* src = a + (long)(i0 + r) * lda;
                    float* d = dst + r;
                    for (int p = done; p < kc; p++) d[p * mr] = src[p];
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
                int c = 0;
                if (Avx.IsSupported && kc >= 8)
                {
                    // 8 stored rows × 8 k at a time through a register transpose; a k tail is done below.
                    for (; c + 8 <= cols; c += 8)
                    {
                        float* src = b + (long)(j0 + c) * ldb;
                        int p = 0;
                        for (; p + 8 <= kc; p += 8) Transpose8x8(src + p, ldb, dst + p * nr + c, nr);
                        for (int q = 0; q < 8; q++)
                        {
                            for (int pp = p; pp < kc; pp++) dst[pp * nr + c + q] = src[(long)q * ldb + pp];
                        }
                    }
                }
                for (; c < cols; c++)
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

    /// <summary>dst[q·dstStride + r] = src[r·srcStride + q] for an 8×8 block (unpack, shuffle, lane swap).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, long srcStride, float* dst, int dstStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + srcStride),
            r2 = Avx.LoadVector256(src + 2 * srcStride), r3 = Avx.LoadVector256(src + 3 * srcStride),
            r4 = Avx.LoadVector256(src + 4 * srcStride), r5 = Avx.LoadVector256(src + 5 * srcStride),
            r6 = Avx.LoadVector256(src + 6 * srcStride), r7 = Avx.LoadVector256(src + 7 * srcStride);
        // Pairs of rows interleaved: t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5], …
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3),
            t3 = Avx.UnpackHigh(r2, r3), t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5),
            t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        // Quads: s0 = r0[0] r1[0] r2[0] r3[0] | r0[4] r1[4] r2[4] r3[4], …
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE),
            s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE),
            s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE),
            s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        // Lanes joined: column q of the block becomes row q.
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(s3, s7, 0x31));
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
