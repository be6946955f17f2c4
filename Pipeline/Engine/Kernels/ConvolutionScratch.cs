namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Per-thread working arrays of convolution kernels: what a kernel fills and reads within one Forward or Backward call
/// (Winograd's V and M, its padded planes and lanes; im2col's patches and GEMM output), so nothing in them lives from one
/// call to the next. A model hands one to every convolution it holds: one set per thread, each slot sized for the largest
/// kernel, serves every layer and stays in cache, where a set per layer is written cold. A kernel built on its own keeps a
/// set of its own.
/// </summary>
internal sealed class ConvolutionScratch
{
    private int _threads;
    private int[] _sizes = [];
    private float[][][]? _storage;

    /// <summary>A kernel's own set: <paramref name="threads"/> × one array of each of <paramref name="sizes"/> floats.</summary>
    public static ConvolutionScratch Own(int threads, params ReadOnlySpan<int> sizes)
    {
        var scratch = new ConvolutionScratch();
        scratch.Reserve(threads, sizes);
        scratch.Allocate();
        return scratch;
    }

    /// <summary>Makes room, for each of <paramref name="threads"/> threads, for slot i of <paramref name="sizes"/>[i] floats.</summary>
    public void Reserve(int threads, params ReadOnlySpan<int> sizes)
    {
        if (_storage is not null) throw new InvalidOperationException("ConvolutionScratch: Reserve after Allocate.");
        _threads = Math.Max(_threads, threads);
        if (sizes.Length > _sizes.Length) Array.Resize(ref _sizes, sizes.Length);
        for (int i = 0; i < sizes.Length; i++) _sizes[i] = Math.Max(_sizes[i], sizes[i]);
    }

    /// <summary>Allocates every thread's arrays for the largest reservation of each slot.</summary>
    public void Allocate()
    {
        if (_storage is not null) throw new InvalidOperationException("ConvolutionScratch: Allocate twice.");
        _storage = [.. Enumerable.Range(0, _threads).Select(_ => _sizes.Select(size => new float[size]).ToArray())];
    }

    /// <summary>Bytes of every thread's arrays (after Allocate).</summary>
    public long Bytes => 4L * _threads * _sizes.Sum(size => (long)size);

    /// <summary>Thread <paramref name="t"/>'s arrays, one per slot, each at least as long as any reservation of it.</summary>
    public float[][] Of(int t)
        => (_storage ?? throw new InvalidOperationException("ConvolutionScratch: used before Allocate (a model allocates it after Build)."))
            [t];
}
