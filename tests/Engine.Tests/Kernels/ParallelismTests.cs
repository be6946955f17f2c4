using MlNetFashion.Engine.Kernels;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>
/// Runs with at least two threads whatever an earlier test left in the process-wide setting (an EngineTrainer sets it
/// from its options: a test that trained on one thread made the nested test's outer call run as a single chunk).
/// </summary>
public sealed class ParallelismTests : IDisposable
{
    private readonly int _threadsBefore = Parallelism.Threads;

    public ParallelismTests() => Parallelism.Threads = Math.Max(2, Environment.ProcessorCount);

    public void Dispose() => Parallelism.Threads = _threadsBefore;

    private readonly struct CountVisits(int[] visits, int[] owner) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            for (int i = start; i < end; i++)
            {
                Interlocked.Increment(ref visits[i]);
                owner[i] = start;
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(1001)]
    public void For_AnyCount_VisitsEveryIndexExactlyOnce(int count)
    {
        var visits = new int[count];
        Parallelism.For(count, new CountVisits(visits, new int[count]));
        Assert.All(visits, v => Assert.Equal(1, v));
    }

    [Fact]
    public void For_RepeatedCalls_UseTheSameChunkBoundaries()
    {
        var first = new int[1000];
        var second = new int[1000];
        Parallelism.For(1000, new CountVisits(new int[1000], first));
        Parallelism.For(1000, new CountVisits(new int[1000], second));
        Assert.Equal(first, second);
        Assert.Equal(Math.Min(Parallelism.Threads, 1000), first.Distinct().Count());
    }

    private readonly struct ThrowAt(int index) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            if (start <= index && index < end) throw new InvalidOperationException($"chunk with {index}");
        }
    }

    [Fact]
    public void For_ChunkThrows_RethrowsOnCaller()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Parallelism.For(100, new ThrowAt(99)));
        Assert.Equal("chunk with 99", error.Message);
        Parallelism.For(100, new CountVisits(new int[100], new int[100])); // the pool still works afterwards
    }

    private readonly struct RecordNested(int[] innerThreads, bool[] inRegion) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            inRegion[start] = Parallelism.InParallelRegion;
            int outer = Environment.CurrentManagedThreadId;
            Parallelism.For(4, new SameThread(outer, innerThreads, start));
        }
    }

    private readonly struct SameThread(int outer, int[] mismatches, int slot) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            if (Environment.CurrentManagedThreadId != outer) Interlocked.Increment(ref mismatches[slot]);
        }
    }

    [Fact]
    public void For_Nested_RunsInlineOnTheCallingThread()
    {
        int count = Parallelism.Threads;
        var mismatches = new int[count];
        var inRegion = new bool[count];
        Parallelism.For(count, new RecordNested(mismatches, inRegion));
        Assert.All(mismatches, m => Assert.Equal(0, m));
        Assert.Contains(true, inRegion);
        Assert.False(Parallelism.InParallelRegion);
    }

    [Fact]
    public void For_AfterWarmUp_AllocatesNothing()
    {
        var visits = new int[64];
        var owner = new int[64];
        for (int i = 0; i < 3; i++) Parallelism.For(64, new CountVisits(visits, owner));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) Parallelism.For(64, new CountVisits(visits, owner));
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
