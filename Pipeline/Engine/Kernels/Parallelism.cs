using System.Runtime.ExceptionServices;

namespace MlNetFashion.Engine.Kernels;

/// <summary>A piece of work over an index range [start, end), run on one thread. A struct, so calls do not allocate.</summary>
public interface IParallelRange
{
    void Execute(int start, int end);
}

/// <summary>
/// The engine's threads: every kernel that splits work across cores goes through here, so the thread count of a
/// run is one setting (and determinism depends only on it).
/// </summary>
/// <remarks>
/// Work runs on a persistent pool (threads started once, on first use): the caller runs chunk 0 itself and
/// <see cref="Threads"/> − 1 pool workers run the others. Bodies are passed through a static slot per body type,
/// so a call neither boxes nor allocates. A call made while a chunk is running (nested, or from a second
/// thread while the pool is busy) runs its chunks inline on the calling thread, with the same boundaries.
/// </remarks>
public static class Parallelism
{
    private static int s_threads = Math.Max(1, Environment.ProcessorCount);

    [ThreadStatic] private static bool s_inParallelRegion;

    /// <summary>Threads kernels may use (default: all cores).</summary>
    public static int Threads
    {
        get => s_threads;
        set => s_threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Expected at least 1 thread.");
    }

    /// <summary>
    /// True while the current thread runs a chunk of a <see cref="For{TBody}"/> call: kernels called from here must
    /// stay on this thread (the other cores are busy with the sibling chunks).
    /// </summary>
    public static bool InParallelRegion => s_inParallelRegion;

    /// <summary>
    /// Splits [0, count) into at most <see cref="Threads"/> contiguous chunks (fixed boundaries, so results do not
    /// depend on scheduling) and runs <paramref name="body"/> on each; returns when all are done. An exception
    /// thrown by any chunk is rethrown here (the first one, if several throw).
    /// </summary>
    public static void For<TBody>(int count, TBody body) where TBody : struct, IParallelRange
    {
        int chunks = Math.Min(s_threads, count);
        if (chunks <= 0) return;
        if (chunks == 1)
        {
            body.Execute(0, count);
            return;
        }
        if (s_inParallelRegion || !WorkerPool.TryRun(count, chunks, body)) RunInline(count, chunks, body);
    }

    /// <summary>Start of chunk <paramref name="chunk"/> of <paramref name="chunks"/> over [0, count).</summary>
    internal static int ChunkStart(int count, int chunks, int chunk) => (int)((long)count * chunk / chunks);

    private static void RunInline<TBody>(int count, int chunks, TBody body) where TBody : struct, IParallelRange
    {
        bool outer = s_inParallelRegion;
        s_inParallelRegion = true;
        try
        {
            for (int c = 0; c < chunks; c++) body.Execute(ChunkStart(count, chunks, c), ChunkStart(count, chunks, c + 1));
        }
        finally
        {
            s_inParallelRegion = outer;
        }
    }

    /// <summary>Holds the body of the call in flight for one body type; workers read it through a cached delegate.</summary>
    private static class Slot<TBody> where TBody : struct, IParallelRange
    {
        public static TBody Body;
        public static int Count;
        public static int Chunks;

        // One delegate per body type, created once: invoking it allocates nothing.
        public static readonly Action<int> RunChunk = chunk =>
        {
            TBody body = Body;
            body.Execute(ChunkStart(Count, Chunks, chunk), ChunkStart(Count, Chunks, chunk + 1));
        };
    }

    /// <summary>Background threads that wait for chunks; one pool per process, grown when Threads grows.</summary>
    private static class WorkerPool
    {
        private static readonly object Gate = new();
        private static readonly ManualResetEventSlim Done = WithItsLock(new(false, spinCount: 2000));
        private static Worker[] s_workers = [];
        private static Action<int>? s_job;
        private static int s_pending;
        private static ExceptionDispatchInfo? s_error;

        public static bool TryRun<TBody>(int count, int chunks, TBody body) where TBody : struct, IParallelRange
        {
            if (!Monitor.TryEnter(Gate)) return false; // another thread owns the pool: caller runs inline
            try
            {
                EnsureWorkers(chunks - 1);
                Slot<TBody>.Body = body;
                Slot<TBody>.Count = count;
                Slot<TBody>.Chunks = chunks;
                s_job = Slot<TBody>.RunChunk;
                s_error = null;
                Done.Reset();
                Volatile.Write(ref s_pending, chunks - 1);
                for (int w = 0; w < chunks - 1; w++) s_workers[w].Start.Set();

                s_inParallelRegion = true;
                try
                {
                    body.Execute(0, ChunkStart(count, chunks, 1));
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref s_error, ExceptionDispatchInfo.Capture(e), null);
                }
                finally
                {
                    s_inParallelRegion = false;
                    Done.Wait();
                    Slot<TBody>.Body = default; // do not keep the body's arrays alive
                    s_job = null;
                }
                s_error?.Throw();
                return true;
            }
            finally
            {
                Monitor.Exit(Gate);
            }
        }

        /// <summary>
        /// The event after one timed-out wait: its first wait that blocks creates the lock object it waits on, and a caller
        /// that blocks for the first time in the middle of training would allocate in a step.
        /// </summary>
        private static ManualResetEventSlim WithItsLock(ManualResetEventSlim unset)
        {
            unset.Wait(1);
            return unset;
        }

        private static void EnsureWorkers(int needed)
        {
            if (s_workers.Length >= needed) return;
            var grown = new Worker[needed];
            Array.Copy(s_workers, grown, s_workers.Length);
            for (int w = s_workers.Length; w < needed; w++) grown[w] = new Worker(chunk: w + 1);
            s_workers = grown;
        }

        private sealed class Worker
        {
            public readonly ManualResetEventSlim Start = new(false, spinCount: 2000);
            private readonly int _chunk;

            public Worker(int chunk)
            {
                _chunk = chunk;
                var thread = new Thread(Loop) { IsBackground = true, Name = $"MlNetFashion worker {chunk}" };
                thread.Start();
            }

            private void Loop()
            {
                s_inParallelRegion = true; // a worker only ever runs chunks
                while (true)
                {
                    Start.Wait();
                    Start.Reset();
                    try
                    {
                        Volatile.Read(ref s_job)!(_chunk);
                    }
                    catch (Exception e)
                    {
                        Interlocked.CompareExchange(ref s_error, ExceptionDispatchInfo.Capture(e), null);
                    }
                    if (Interlocked.Decrement(ref s_pending) == 0) Done.Set();
                }
            }
        }
    }
}
