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
public static class Parallelism
{
    private static int _threads = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Threads kernels may use (default: all cores).</summary>
    public static int Threads
    {
        get => _threads;
        set => _threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Expected at least 1 thread.");
    }

    /// <summary>
    /// Splits [0, count) into at most <see cref="Threads"/> contiguous chunks (fixed boundaries, so results do not
    /// depend on scheduling) and runs <paramref name="body"/> on each; returns when all are done.
    /// </summary>
    public static void For<TBody>(int count, TBody body) where TBody : struct, IParallelRange
    {
        int chunks = Math.Min(_threads, count);
        if (chunks <= 1)
        {
            if (count > 0) body.Execute(0, count);
            return;
        }
        // Placeholder scheduling; the kernels issue replaces it with a persistent, allocation-free worker pool.
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, c =>
        {
            int start = (int)((long)count * c / chunks);
            int end = (int)((long)count * (c + 1) / chunks);
            body.Execute(start, end);
        });
    }
}
