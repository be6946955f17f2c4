using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// One managed GEMM call (or a thread's share of it) in the Goto/BLIS loop order: for each NC-wide column block
/// and KC-deep slice of k, pack the B block ([kc×nc], L2/L3), then for each MC-tall row block pack A ([mc×kc], L2)
/// and sweep MR×NR register tiles with the micro-kernel (a B strip [kc×NR] stays in L1 across the row strips).
/// With transposedC the block computes Cᵀ (operands swapped by <see cref="Transposed"/>) and stores tiles transposed.
/// </summary>
/// <remarks>Run computes the block C[i0..i1, j0..j1] (in the block's own orientation) on the calling thread.</remarks>
internal readonly unsafe struct GemmBlock(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
    float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, bool transposedC)
{
    private const int InPlaceMaxLdb = 2048;

    public int M => m;
    public int N => n;
    public int K => k;
    public float* C => c;
    public int Ldc => ldc;
    public int RowsOfC => transposedC ? n : m;
    public int ColumnsOfC => transposedC ? m : n;

    /// <summary>The same product computed as Cᵀ[n×m] = op(B)ᵀ · op(A)ᵀ, tiles stored transposed into C.</summary>
    public GemmBlock Transposed() => new(!transposeB, !transposeA, n, m, k, alpha, b, ldb, a, lda, beta, c, ldc, !transposedC);

    /// <summary>The same product over k in [p0, p1) only; into <paramref name="partial"/> (C's layout, dense, beta 0) when given.</summary>
    public GemmBlock Slice(int p0, int p1, float* partial)
    {
        float* aSlice = transposeA ? a + (long)p0 * lda : a + p0;
        float* bSlice = transposeB ? b + p0 : b + (long)p0 * ldb;
        return partial == null
            ? new GemmBlock(transposeA, transposeB, m, n, p1 - p0, alpha, aSlice, lda, bSlice, ldb, beta, c, ldc, transposedC)
            : new GemmBlock(transposeA, transposeB, m, n, p1 - p0, alpha, aSlice, lda, bSlice, ldb, 0, partial, ColumnsOfC, transposedC);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(int i0, int i1, int j0, int j1)
    {
        if (i1 <= i0 || j1 <= j0) return;
        if (k == 0 || alpha == 0)
        {
            ScaleC(i0, i1, j0, j1);
            return;
        }
        PackBuffers buffers = PackBuffers.ForCurrentThread(GemmManaged.Mc, GemmManaged.Kc, GemmManaged.Nc);
        int mr = GemmManaged.Mr, nr = GemmManaged.Nr, Mc = GemmManaged.Mc;
        const int Kc = GemmManaged.Kc;
        // Only one row block (small m, e.g. 32 filters): each packed B block serves few rows, so keep it small
        // enough to still be in L2 when the micro-kernel reads it back (256×256 floats = 256 KiB).
        int Nc = i1 - i0 <= Mc ? GemmManaged.NcSmallM : GemmManaged.Nc;
        for (int jc = j0; jc < j1; jc += Nc)
        {
            int nc = Math.Min(Nc, j1 - jc);
            for (int pc = 0; pc < k; pc += Kc)
            {
                int kc = Math.Min(Kc, k - pc);
                float betaHere = pc == 0 ? beta : 1f; // later k-slices accumulate onto the first
                float* bBlock = transposeB ? b + (long)jc * ldb + pc : b + (long)pc * ldb + jc;
                // A row-major B used by one row block is read in place (its full strips are already NR floats
                // contiguous per k); only a last, partial strip is packed, to get its zero padding. Only for short
                // rows (the layers' ~1,000-column chunks): with long ones (ldb = 25,088) the k-rows of a strip land
                // on different pages and cache sets, and packing wins.
                int inPlace = !transposeB && i1 - i0 <= Mc && ldb <= InPlaceMaxLdb ? nc / nr * nr : 0;
                GemmPacking.PackB(transposeB, bBlock + inPlace, ldb, kc, nc - inPlace, nr, buffers.B + (long)inPlace * kc);
                for (int ic = i0; ic < i1; ic += Mc)
                {
                    int mc = Math.Min(Mc, i1 - ic);
                    float* aBlock = transposeA ? a + (long)pc * lda + ic : a + (long)ic * lda + pc;
                    GemmPacking.PackA(transposeA, aBlock, lda, mc, kc, mr, buffers.A);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        bool direct = jr < inPlace;
                        float* bStrip = direct ? bBlock + jr : buffers.B + (long)jr * kc;
                        int ldbPanel = direct ? ldb : nr;
                        int cols = Math.Min(nr, nc - jr);
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            if (transposedC)
                            {
                                // Tile element (r, j) is C[jc + jr + j, ic + ir + r].
                                EdgeKernel(kc, buffers.A + (long)ir * kc, bStrip, ldbPanel, buffers.Tile, rows, nr, alpha);
                                float* cTransposed = c + (long)(jc + jr) * ldc + ic + ir;
                                GemmMicroKernels.CopyEdgeTransposed(buffers.Tile, nr, cTransposed, ldc, rows, cols, betaHere);
                                continue;
                            }
                            float* cTile = c + (long)(ic + ir) * ldc + jc + jr;
                            if (rows == mr && cols == nr)
                            {
                                MicroKernel(kc, buffers.A + (long)ir * kc, bStrip, ldbPanel, cTile, ldc, alpha, betaHere);
                            }
                            else
                            {
                                EdgeKernel(kc, buffers.A + (long)ir * kc, bStrip, ldbPanel, buffers.Tile, rows, nr, alpha);
                                GemmMicroKernels.CopyEdge(buffers.Tile, nr, cTile, ldc, rows, cols, betaHere);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>An edge tile into the scratch tile (alpha applied, beta 0); a thin strip takes the 4-row kernel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EdgeKernel(int kc, float* a, float* b, int ldbPanel, float* tile, int rows, int nr, float alpha)
    {
        if (Vector512.IsHardwareAccelerated && rows <= 4)
            GemmMicroKernels.Kernel<Vector512<float>, Rows4>(kc, a, b, ldbPanel, tile, nr, alpha, 0f);
        else MicroKernel(kc, a, b, ldbPanel, tile, nr, alpha, 0f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MicroKernel(int kc, float* a, float* b, int ldbPanel, float* c, int ldc, float alpha, float beta)
    {
        if (Vector512.IsHardwareAccelerated) GemmMicroKernels.Kernel<Vector512<float>, Rows8>(kc, a, b, ldbPanel, c, ldc, alpha, beta);
        else if (Vector256.IsHardwareAccelerated) GemmMicroKernels.Kernel<Vector256<float>, Rows6>(kc, a, b, ldbPanel, c, ldc, alpha, beta);
        else GemmMicroKernels.KernelScalar(kc, a, b, ldbPanel, c, ldc, alpha, beta);
    }

    /// <summary>k = 0 or alpha = 0: C = beta · C, and beta = 0 clears without reading (C may hold NaN).</summary>
    private void ScaleC(int i0, int i1, int j0, int j1)
    {
        if (transposedC) (i0, i1, j0, j1) = (j0, j1, i0, i1);
        for (int i = i0; i < i1; i++)
        {
            var row = new Span<float>(c + (long)i * ldc + j0, j1 - j0);
            if (beta == 0) row.Clear();
            else if (beta != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }
}

/// <summary>
/// Per-thread packing buffers, 64-byte aligned, allocated on a thread's first call and kept for its life
/// (freed by the finalizer when the thread ends): no allocation per call.
/// </summary>
internal sealed unsafe class PackBuffers
{
    [ThreadStatic] private static PackBuffers? s_current;

    public readonly float* A;
    public readonly float* B;
    public readonly float* Tile; // one MR×NR edge tile

    private PackBuffers(int mc, int kc, int nc)
    {
        A = (float*)NativeMemory.AlignedAlloc((nuint)(mc * kc * sizeof(float)), 64);
        B = (float*)NativeMemory.AlignedAlloc((nuint)(kc * nc * sizeof(float)), 64);
        Tile = (float*)NativeMemory.AlignedAlloc(64 * 64 * sizeof(float), 64);
    }

    ~PackBuffers()
    {
        NativeMemory.AlignedFree(A);
        NativeMemory.AlignedFree(B);
        NativeMemory.AlignedFree(Tile);
    }

    public static PackBuffers ForCurrentThread(int mc, int kc, int nc) => s_current ??= new PackBuffers(mc, kc, nc);
}
