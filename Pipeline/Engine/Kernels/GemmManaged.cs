using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Managed SGEMM: the blocking constants and the threading policy. The loops themselves are in
/// <see cref="GemmBlock"/>. Threads split C into contiguous column (or row) strips, or split a long k for a small C —
/// fixed boundaries, so results depend only on the thread count, never on timing.
/// </summary>
internal static unsafe class GemmManaged
{
    internal const int Kc = 256;
    internal const int Nc = 2048;
    internal const int NcSmallM = 256;

    public static readonly string Isa = Vector512.IsHardwareAccelerated ? "AVX-512"
        : Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported ? "AVX2+FMA"
        : Vector256.IsHardwareAccelerated ? "Vector256" : "scalar";

    internal static readonly int Mr = Vector512.IsHardwareAccelerated ? GemmMicroKernels.Mr512
        : Vector256.IsHardwareAccelerated ? GemmMicroKernels.Mr256 : GemmMicroKernels.MrScalar;

    internal static readonly int Nr = Vector512.IsHardwareAccelerated ? GemmMicroKernels.Nr512
        : Vector256.IsHardwareAccelerated ? GemmMicroKernels.Nr256 : GemmMicroKernels.NrScalar;

    /// <summary>Rows of A packed at a time: a multiple of MR near 144 (144×256 floats = 144 KiB, well inside a 1 MiB L2).</summary>
    internal static readonly int Mc = 144 / Mr * Mr;

    /// <summary>"8×32" — the register tile of the micro-kernel in use.</summary>
    public static string Tile => $"{Mr}×{Nr}";

    /// <summary>C = alpha · op(A) · op(B) + beta · C; uses Parallelism.Threads unless inside a parallel region.</summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, bool allowThreads = true)
    {
        var job = new GemmBlock(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, transposedC: false);
        if (k > 0 && alpha != 0 && PaddedArea(n, m) * 4 < PaddedArea(m, n) * 3)
        {
            // A thin C (n < NR, e.g. dW of a 1-channel conv: 32×9) wastes most of each NR-wide tile; Cᵀ = op(B)ᵀ·op(A)ᵀ
            // fills the tiles far better, and the kernel writes its tiles back transposed.
            job = job.Transposed();
        }
        (m, n) = (job.M, job.N);
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
    private static void MultiplySplittingK(GemmBlock job, int threads)
    {
        int blocks = (job.K + Kc - 1) / Kc;
        int chunks = Math.Min(threads, blocks);
        long partial = (long)job.M * job.N;
        float* scratch = KSplitScratch.ForCurrentThread(partial * (chunks - 1));
        Parallelism.For(blocks, new KSlab(job, blocks, chunks, scratch));
        for (int chunk = 1; chunk < chunks; chunk++)
        {
            float* part = scratch + (chunk - 1) * partial;
            // Partials are in C's own layout [rows × columns], whichever way the block computes it.
            for (int i = 0; i < job.RowsOfC; i++)
            {
                var row = new Span<float>(job.C + (long)i * job.Ldc, job.ColumnsOfC);
                var add = new ReadOnlySpan<float>(part + (long)i * job.ColumnsOfC, job.ColumnsOfC);
                System.Numerics.Tensors.TensorPrimitives.Add(row, add, row);
            }
        }
    }

    /// <summary>One thread's share of k: KC blocks [start, end).</summary>
    private readonly struct KSlab(GemmBlock job, int blocks, int chunks, float* scratch) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            int chunk = 0;
            while (Parallelism.ChunkStart(blocks, chunks, chunk) != start) chunk++;
            int p0 = start * Kc, p1 = Math.Min(end * Kc, job.K);
            job.Slice(p0, p1, chunk == 0 ? null : scratch + (chunk - 1) * (long)job.M * job.N).Run(0, job.M, 0, job.N);
        }
    }

    /// <summary>C's area once padded to whole MR×NR tiles: the work the micro-kernel really does.</summary>
    private static long PaddedArea(int m, int n) => (long)((m + Mr - 1) / Mr * Mr) * ((n + Nr - 1) / Nr * Nr);

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
    private readonly struct Slab(GemmBlock job, bool alongColumns, int stripWidth) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            if (alongColumns) job.Run(0, job.M, start * stripWidth, Math.Min(end * stripWidth, job.N));
            else job.Run(start * stripWidth, Math.Min(end * stripWidth, job.M), 0, job.N);
        }
    }

    /// <summary>The calling thread's buffer for k-split partial products; grows to the largest request, rarely.</summary>
    private sealed class KSplitScratch
    {
        [ThreadStatic] private static KSplitScratch? s_current;

        private float* _data;
        private long _length;

        ~KSplitScratch() => NativeMemory.AlignedFree(_data);

        public static float* ForCurrentThread(long length)
        {
            KSplitScratch scratch = s_current ??= new KSplitScratch();
            if (scratch._length < length)
            {
                NativeMemory.AlignedFree(scratch._data);
                scratch._data = (float*)NativeMemory.AlignedAlloc((nuint)(length * sizeof(float)), 64);
                scratch._length = length;
            }
            return scratch._data;
        }
    }

}
