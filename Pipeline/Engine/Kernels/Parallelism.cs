namespace MlNetFashion.Engine.Kernels;

/// <summary>A piece of work over an index range [start, end), run on one thread. A struct, so calls do not allocate.</summary>
public interface IParallelRange
{
    void Execute(int start, int end);
}

/// <summary>
/// The engine's threads: every kernel that splits work across cores goes through here, so the thread count of a
/// run is one setting (and results depend only on it: chunk boundaries are fixed, never work-stolen).
/// A small persistent pool (Threads − 1 workers; the caller takes chunk 0) keeps the hand-off in microseconds,
/// which matters because a training step makes hundreds of kernel calls. Nested calls, and calls while another
/// thread holds the pool, run inline on the calling thread.
/// </summary>
public static class Parallelism
{
    private static readonly object s_gate = new();
    private static int _threads = Math.Max(1, Environment.ProcessorCount);
    private static WorkerPool? s_pool;

    [ThreadStatic] private static bool t_inRegion;

    /// <summary>Threads kernels may use (default: all cores).</summary>
    public static int Threads
    {
        get => _threads;
        set => _threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Expected at least 1 thread.");
    }

    /// <summary>True inside a For body: kernels called from here (GEMM) must stay single-threaded.</summary>
    public static bool InParallelRegion => t_inRegion;

    /// <summary>
    /// Splits [0, count) into at most <see cref="Threads"/> contiguous chunks (fixed boundaries) and runs
    /// <paramref name="body"/> on each; returns when all are done; rethrows the first exception of a chunk.
    /// </summary>
    public static void For<TBody>(int count, TBody body) where TBody : struct, IParallelRange
    {
        int chunks = Math.Min(_threads, count);
        if (count <= 0) return;
        if (chunks <= 1 || t_inRegion || !Monitor.TryEnter(s_gate))
        {
            RunInline(count, body);
            return;
        }
        try
        {
            WorkerPool pool = s_pool is { } p && p.Workers == chunks - 1 ? p : (s_pool = Recreate(s_pool, chunks - 1));
            WorkItem<TBody> item = WorkItem<TBody>.ForThisThread;
            item.Prepare(body, count, chunks);
            pool.Run(item);
        }
        finally
        {
            Monitor.Exit(s_gate);
        }
    }

    private static void RunInline<TBody>(int count, TBody body) where TBody : struct, IParallelRange
    {
        bool outer = !t_inRegion;
        t_inRegion = true;
        try
        {
            body.Execute(0, count);
        }
        finally
        {
            if (outer) t_inRegion = false;
        }
    }

    private static WorkerPool Recreate(WorkerPool? old, int workers)
    {
        old?.Dispose();
        return new WorkerPool(workers);
    }

    internal abstract class WorkItem
    {
        private Exception? _error;
        protected int Count, Chunks;

        public void RunChunk(int chunk)
        {
            bool outer = !t_inRegion;
            t_inRegion = true;
            try
            {
                int start = (int)((long)Count * chunk / Chunks), end = (int)((long)Count * (chunk + 1) / Chunks);
                if (end > start) Execute(start, end);
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref _error, ex, null);
            }
            finally
            {
                if (outer) t_inRegion = false;
            }
        }

        protected abstract void Execute(int start, int end);

        public void ThrowIfFailed()
        {
            Exception? error = Interlocked.Exchange(ref _error, null);
            if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
    }

    private sealed class WorkItem<TBody> : WorkItem where TBody : struct, IParallelRange
    {
        [ThreadStatic] private static WorkItem<TBody>? t_instance;
        private TBody _body;

        /// <summary>One reusable item per body type and calling thread: no allocation per call.</summary>
        public static WorkItem<TBody> ForThisThread => t_instance ??= new WorkItem<TBody>();

        public void Prepare(TBody body, int count, int chunks) => (_body, Count, Chunks) = (body, count, chunks);

        protected override void Execute(int start, int end) => _body.Execute(start, end);
    }

    /// <summary>Workers wait on an event (spinning briefly first), run their chunk, and count down.</summary>
    private sealed class WorkerPool : IDisposable
    {
        private readonly ManualResetEventSlim[] _start;
        private readonly ManualResetEventSlim _done = new(false, spinCount: 2000);
        private WorkItem? _item;
        private int _pending;
        private volatile bool _stopping;

        public WorkerPool(int workers)
        {
            Workers = workers;
            _start = new ManualResetEventSlim[workers];
            for (int w = 0; w < workers; w++)
            {
                _start[w] = new ManualResetEventSlim(false, spinCount: 2000);
                int index = w;
                new Thread(() => Loop(index)) { IsBackground = true, Name = $"engine-worker-{w + 1}" }.Start();
            }
        }

        public int Workers { get; }

        public void Run(WorkItem item)
        {
            _item = item;
            _done.Reset();
            Volatile.Write(ref _pending, Workers);
            foreach (var e in _start) e.Set();
            item.RunChunk(0);
            _done.Wait();
            item.ThrowIfFailed();
        }

        private void Loop(int index)
        {
            ManualResetEventSlim start = _start[index];
            while (true)
            {
                start.Wait();
                start.Reset();
                if (_stopping) return;
                _item!.RunChunk(index + 1);
                if (Interlocked.Decrement(ref _pending) == 0) _done.Set();
            }
        }

        public void Dispose()
        {
            _stopping = true;
            foreach (var e in _start) e.Set();
        }
    }
}
