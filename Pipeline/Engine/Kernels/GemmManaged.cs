using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Managed SGEMM in the Goto/BLIS shape: for each NC-wide column block of C and KC-deep slice of k, pack the B
/// block once ([kc×nc], stays in L2/L3), then for each MC-tall row block pack A ([mc×kc], stays in L2) and sweep
/// MR×NR register tiles with the micro-kernel (the B strip [kc×NR] stays in L1 across the MR-row strips).
/// Threads split C into contiguous column (or row) strips — fixed boundaries, so results do not depend on timing.
/// </summary>
internal static unsafe class GemmManaged
{
    private const int Kc = 256;
    private const int Nc = 2048;

    public static readonly string Isa = Vector512.IsHardwareAccelerated ? "AVX-512"
        : Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported ? "AVX2+FMA"
        : Vector256.IsHardwareAccelerated ? "Vector256" : "scalar";

    private static readonly int Mr = Vector512.IsHardwareAccelerated ? GemmMicroKernels.Mr512
        : Vector256.IsHardwareAccelerated ? GemmMicroKernels.Mr256 : GemmMicroKernels.MrScalar;

    private static readonly int Nr = Vector512.IsHardwareAccelerated ? GemmMicroKernels.Nr512
        : Vector256.IsHardwareAccelerated ? GemmMicroKernels.Nr256 : GemmMicroKernels.NrScalar;

    /// <summary>Rows of A packed at a time: a multiple of MR near 144 (144×256 floats = 144 KiB, half of L2).</summary>
    private static readonly int Mc = 144 / Mr * Mr;

    /// <summary>"8×32" — the register tile of the micro-kernel in use.</summary>
    public static string Tile => $"{Mr}×{Nr}";

    /// <summary>C = alpha · op(A) · op(B) + beta · C; uses Parallelism.Threads unless inside a parallel region.</summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, bool allowThreads = true)
    {
        var job = new Job(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        int threads = allowThreads && !Parallelism.InParallelRegion ? Parallelism.Threads : 1;
        if (threads <= 1 || (long)m * n * k < 1L << 18)
        {
            job.Run(0, m, 0, n);
            return;
        }
        if (k > 2 * Math.Max(m, n) && (long)m * n <= 1 << 16)
        {
            MultiplySplittingK(job, threads);
            return;
        }
        Split(m, n, Mr, Nr, threads, out bool alongColumns, out int strips);
        Parallelism.For(strips, new Slab(job, alongColumns, alongColumns ? Nr : Mr));
    }

    /// <summary>
    /// Weight-gradient shapes (dY·colsᵀ: 32×288×25088) have a small C and a long k: each thread takes a fixed
    /// range of KC blocks; chunk 0 writes C (with beta), the others write [m×n] partials to the caller's scratch,
    /// added to C afterwards in chunk order — the same sums for the same thread count.
    /// </summary>
    private static void MultiplySplittingK(Job job, int threads)
    {
        int blocks = (job.K + Kc - 1) / Kc;
        int chunks = Math.Min(threads, blocks);
        long partial = (long)job.M * job.N;
        float* scratch = KSplitScratch.ForCurrentThread(partial * (chunks - 1));
        Parallelism.For(blocks, new KSlab(job, blocks, chunks, scratch));
        for (int chunk = 1; chunk < chunks; chunk++)
        {
            float* part = scratch + (chunk - 1) * partial;
            for (int i = 0; i < job.M; i++)
            {
                var row = new Span<float>(job.C + (long)i * job.Ldc, job.N);
                System.Numerics.Tensors.TensorPrimitives.Add(row, new ReadOnlySpan<float>(part + (long)i * job.N, job.N), row);
            }
        }
    }

    /// <summary>One thread's share of k: KC blocks [start, end).</summary>
    private readonly struct KSlab(Job job, int blocks, int chunks, float* scratch) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            int chunk = 0;
            while (Parallelism.ChunkStart(blocks, chunks, chunk) != start) chunk++;
            int p0 = start * Kc, p1 = Math.Min(end * Kc, job.K);
            job.Slice(p0, p1, chunk == 0 ? null : scratch + (chunk - 1) * (long)job.M * job.N).Run(0, job.M, 0, job.N);
        }
    }

    /// <summary>
    /// Chooses to split C by columns (NR-wide strips) or rows (MR-tall strips): whichever leaves the threads the
    /// most even share; columns on a tie, since every thread then packs only its own part of B.
    /// </summary>
    internal static void Split(int m, int n, int mr, int nr, int threads, out bool alongColumns, out int strips)
    {
        int columnStrips = (n + nr - 1) / nr, rowStrips = (m + mr - 1) / mr;
        double columnEvenness = (double)columnStrips / (((columnStrips + threads - 1) / threads) * threads);
        double rowEvenness = (double)rowStrips / (((rowStrips + threads - 1) / threads) * threads);
        alongColumns = columnEvenness >= rowEvenness;
        strips = alongColumns ? columnStrips : rowStrips;
    }

    /// <summary>One thread's share: strips [start, end) of C's columns or rows.</summary>
    private readonly struct Slab(Job job, bool alongColumns, int stripWidth) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            if (alongColumns) job.Run(0, job.M, start * stripWidth, Math.Min(end * stripWidth, job.N));
            else job.Run(start * stripWidth, Math.Min(end * stripWidth, job.M), 0, job.N);
        }
    }

    /// <summary>The arguments of one call; Run computes the block C[i0..i1, j0..j1] on the calling thread.</summary>
    private readonly struct Job(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        public int M => m;
        public int N => n;
        public int K => k;
        public float* C => c;
        public int Ldc => ldc;

        /// <summary>The same product over k in [p0, p1) only; into <paramref name="partial"/> ([m×n], beta 0) when given.</summary>
        public Job Slice(int p0, int p1, float* partial)
        {
            float* aSlice = transposeA ? a + (long)p0 * lda : a + p0;
            float* bSlice = transposeB ? b + p0 : b + (long)p0 * ldb;
            return partial == null
                ? new Job(transposeA, transposeB, m, n, p1 - p0, alpha, aSlice, lda, bSlice, ldb, beta, c, ldc)
                : new Job(transposeA, transposeB, m, n, p1 - p0, alpha, aSlice, lda, bSlice, ldb, 0, partial, n);
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
            PackBuffers buffers = PackBuffers.ForCurrentThread(Mc, Kc, Nc);
            int mr = Mr, nr = Nr;
            for (int jc = j0; jc < j1; jc += Nc)
            {
                int nc = Math.Min(Nc, j1 - jc);
                for (int pc = 0; pc < k; pc += Kc)
                {
                    int kc = Math.Min(Kc, k - pc);
                    float betaHere = pc == 0 ? beta : 1f; // later k-slices accumulate onto the first
                    float* bBlock = transposeB ? b + (long)jc * ldb + pc : b + (long)pc * ldb + jc;
                    GemmPacking.PackB(transposeB, bBlock, ldb, kc, nc, nr, buffers.B);
                    for (int ic = i0; ic < i1; ic += Mc)
                    {
                        int mc = Math.Min(Mc, i1 - ic);
                        float* aBlock = transposeA ? a + (long)pc * lda + ic : a + (long)ic * lda + pc;
                        GemmPacking.PackA(transposeA, aBlock, lda, mc, kc, mr, buffers.A);
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            float* bStrip = buffers.B + (long)jr * kc;
                            int cols = Math.Min(nr, nc - jr);
                            for (int ir = 0; ir < mc; ir += mr)
                            {
                                float* cTile = c + (long)(ic + ir) * ldc + jc + jr;
                                int rows = Math.Min(mr, mc - ir);
                                if (rows == mr && cols == nr)
                                {
                                    MicroKernel(kc, buffers.A + (long)ir * kc, bStrip, cTile, ldc, alpha, betaHere);
                                }
                                else
                                {
                                    MicroKernel(kc, buffers.A + (long)ir * kc, bStrip, buffers.Tile, nr, alpha, 0f);
                                    GemmMicroKernels.CopyEdge(buffers.Tile, nr, cTile, ldc, rows, cols, betaHere);
                                }
                            }
                        }
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void MicroKernel(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
        {
            if (Vector512.IsHardwareAccelerated) GemmMicroKernels.Kernel512(kc, a, b, c, ldc, alpha, beta);
            else if (Vector256.IsHardwareAccelerated) GemmMicroKernels.Kernel256(kc, a, b, c, ldc, alpha, beta);
            else GemmMicroKernels.KernelScalar(kc, a, b, c, ldc, alpha, beta);
        }

        /// <summary>k = 0 or alpha = 0: C = beta · C, and beta = 0 clears without reading (C may hold NaN).</summary>
        private void ScaleC(int i0, int i1, int j0, int j1)
        {
            for (int i = i0; i < i1; i++)
            {
                var row = new Span<float>(c + (long)i * ldc + j0, j1 - j0);
                if (beta == 0) row.Clear();
                else if (beta != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }

    /// <summary>The calling thread's buffer for k-split partial products; grows to the largest request, rarely.</summary>
    private sealed class KSplitScratch
    {
        [ThreadStatic] private static KSplitScratch? t_current;

        private float* _data;
        private long _length;

        ~KSplitScratch() => NativeMemory.AlignedFree(_data);

        public static float* ForCurrentThread(long length)
        {
            KSplitScratch scratch = t_current ??= new KSplitScratch();
            if (scratch._length < length)
            {
                NativeMemory.AlignedFree(scratch._data);
                scratch._data = (float*)NativeMemory.AlignedAlloc((nuint)(length * sizeof(float)), 64);
                scratch._length = length;
            }
            return scratch._data;
        }
    }

    /// <summary>
    /// Per-thread packing buffers, 64-byte aligned, allocated on a thread's first call and kept for its life
    /// (freed by the finalizer when the thread ends): no allocation per call.
    /// </summary>
    private sealed class PackBuffers
    {
        [ThreadStatic] private static PackBuffers? t_current;

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

        public static PackBuffers ForCurrentThread(int mc, int kc, int nc) => t_current ??= new PackBuffers(mc, kc, nc);
    }
}
