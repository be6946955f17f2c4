using System.Runtime.InteropServices;
using MlNetFashion.Engine.Layers;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// What the two Winograd kernels share (<see cref="WinogradKernel"/>: F(2×2, 3×3), 16 ξ; <see cref="Winograd4x4Kernel"/>:
/// F(4×4, 3×3), 36 ξ): the transformed kernels U [ξ, F, C] with their cache, the split of a batch into one fixed slice
/// per thread, and the fixed-order reduction of each thread's dU [ξ, F, C] and db [F] into dW = Gᵀ dU G and db.
/// A kernel supplies the transforms of one 3×3 kernel and the passes over its slice of the batch.
/// </summary>
public abstract class WinogradConvolution : IPlaneSumsKernel
{
    private readonly int _xi;
    private readonly float[] _transformedFrom;
    private bool _transformed;

    protected WinogradConvolution(int channels, int filters, Window rows, Window cols, int threads, int xi)
    {
        if (!Supports(rows, cols))
            throw new ArgumentException($"{GetType().Name}: expected 3×3 stride-1 windows padded by 1 on each side. Received {rows} and " +
                $"{cols}.");
        (Channels, Filters, Height, Width, Threads, _xi) = (channels, filters, rows.Input, cols.Input, threads, xi);
        U = new float[xi * filters * channels];
        _transformedFrom = new float[9 * filters * channels];
        DU = Buffers(threads, xi * filters * channels);
        DB = Buffers(threads, filters);
    }

    /// <summary>The windows these kernels compute: 3×3, stride 1, one cell of padding on each side of both axes.</summary>
    public static bool Supports(Window rows, Window cols) => IsUnitPadded3(rows) && IsUnitPadded3(cols);

    private static bool IsUnitPadded3(Window w) => w is { Kernel: 3, Stride: 1, PadBefore: 1, PadAfter: 1 };

    public int Threads { get; }
    protected int Channels { get; }
    protected int Filters { get; }
    protected int Height { get; }
    protected int Width { get; }

    /// <summary>U [ξ, F, C], the transformed kernels.</summary>
    protected float[] U { get; }

    /// <summary>Per thread: dU [ξ, F, C] and db [F] of its slice of the batch.</summary>
    protected float[][] DU { get; }
    protected float[][] DB { get; }

    /// <summary>Whether the backward pass under way was asked for db: a layer without a bias skips the Σ dy per plane.</summary>
    protected bool NeedsBiasGradient { get; private set; }

    protected static float[][] Buffers(int count, int size) => [.. Enumerable.Range(0, count).Select(_ => new float[size])];

    /// <summary>
    /// Floats between the ξ planes of V or M ([rows, columns] each): one cache line more than the plane, so the
    /// planes a tile writes do not all fall in the same cache set (128 × 512 columns would put them 256 KB apart).
    /// </summary>
    protected static int Stride(int rows, int columns) => rows * columns + 16;

    /// <summary>
    /// (Σ, Σ²) of plane <paramref name="index"/> (n·F + f, at <paramref name="plane"/>), once the output transform has written
    /// all of it, into sums[2·index], sums[2·index + 1]; nothing if <paramref name="sums"/> is null.
    /// </summary>
    protected static unsafe void SumPlane(float* plane, int length, float* sums, long index)
    {
        if (sums == null) return;
        var values = new ReadOnlySpan<float>(plane, length);
        (sums[2 * index], sums[2 * index + 1]) = FusedPasses.SumAndDot(values, values);
    }

    /// <summary>u[ξ·xiStride + k] = (G g_k Gᵀ)[ξ] for <paramref name="count"/> consecutive 3×3 kernels g_k at g + 9k.</summary>
    protected abstract unsafe void KernelTransform(float* g, float* u, int xiStride, int count);

    /// <summary>dg_k (3×3, at dg + 9k) = Gᵀ dU_k G from du[ξ·xiStride + k],
    /// for <paramref name="count"/> consecutive kernels.</summary>
    protected abstract unsafe void KernelTransformAdjoint(float* du, int xiStride, float* dg, int count);

    /// <summary>
    /// y of <paramref name="count"/> images of thread <paramref name="t"/>'s slice and, unless <paramref name="sums"/> is empty,
    /// each finished plane's (Σy, Σy²) into it ([count, F, 2], as <see cref="FusedPasses.SumAndDot"/> gives them).
    /// </summary>
    protected abstract void ForwardSlice(int t, int count, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y,
        Span<float> sums);

    /// <summary>DU[t] and DB[t] (overwritten) and dx (unless empty) of thread <paramref name="t"/>'s slice.</summary>
    protected abstract void BackwardSlice(int t, int count, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx);

    /// <summary>
    /// U = G W Gᵀ for every (f, c), unless U already holds the transform of these exact weights (compared bit for bit
    /// with a copy of the last ones): a training step's backward pass and every validation batch reuse the forward's
    /// U instead of transforming again (which costs several times the compare: U, ξ/9 times the weights' size, is written).
    /// Each thread copies the weights it transforms, while they are in its cache.
    /// </summary>
    protected unsafe void TransformKernels(ReadOnlySpan<float> weights)
    {
        int count = 9 * Filters * Channels;
        if (weights.Length < count)
            throw new ArgumentException($"{GetType().Name}: expected {count} weights. Received {weights.Length}.");
        ReadOnlySpan<int> bits = MemoryMarshal.Cast<float, int>(weights.Slice(0, count));
        if (_transformed && bits.SequenceEqual(MemoryMarshal.Cast<float, int>(_transformedFrom.AsSpan()))) return;
        _transformed = false;
        fixed (float* pw = weights) fixed (float* pu = U) fixed (float* copy = _transformedFrom)
            Parallelism.For(Filters, new TransformBody(this, pw, pu, copy));
        _transformed = true;
    }

    /// <summary>Filters [start, end) of U = G W Gᵀ, and of the copy of W it was made from; each pair (f, c) is independent.</summary>
    private readonly unsafe struct TransformBody(WinogradConvolution k, float* weights, float* u, float* copy) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            int p = start * k.Channels, count = (end - start) * k.Channels;
            k.KernelTransform(weights + 9 * p, u + p, k.Filters * k.Channels, count);
            new ReadOnlySpan<float>(weights + 9 * p, 9 * count).CopyTo(new Span<float>(copy + 9 * p, 9 * count));
        }
    }

    /// <summary>
    /// Pairs (f, c) per block of <see cref="AdjointBody"/>: the block's ξ rows of every thread's dU (16 KB each at 16 ξ)
    /// are summed and transformed while they are in the core's cache.
    /// </summary>
    private const int AdjointBlock = 256;

    /// <summary>
    /// Filters [start, end) of dU = Σ_t DU[t] (added in thread order t = 1, 2, … into DU[0], as a serial sum would, so the
    /// same bits) and dW = Gᵀ dU G, one block of pairs at a time.
    /// </summary>
    private readonly unsafe struct AdjointBody(WinogradConvolution k, int threads, float* dWeights) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            int pairs = k.Filters * k.Channels, last = end * k.Channels;
            float[] dU = k.DU[0];
            fixed (float* du = dU)
                for (int p = start * k.Channels; p < last; p += AdjointBlock)
                {
                    int count = Math.Min(AdjointBlock, last - p);
                    for (int xi = 0; xi < k._xi; xi++)
                    {
                        Span<float> sum = dU.AsSpan(xi * pairs + p, count);
                        for (int t = 1; t < threads; t++) TensorPrimitives.Add(sum, k.DU[t].AsSpan(xi * pairs + p, count), sum);
                    }
                    k.KernelTransformAdjoint(du + p, pairs, dWeights + 9 * p, count);
                }
        }
    }

    public void Forward(ReadOnlySpan<float> x, int batch, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y)
        => Forward(x, batch, weights, bias, y, default);

    /// <summary>
    /// Forward, and with a non-empty <paramref name="planeSums"/> [N, F, 2] also each output plane's (Σy, Σy²) as
    /// <see cref="FusedPasses.SumAndDot"/> gives them, taken right after the output transform finishes the plane, while it
    /// is in cache: the statistics a batch norm on y would otherwise read the whole map again for.
    /// </summary>
    public void Forward(ReadOnlySpan<float> x, int batch, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y,
        Span<float> planeSums)
    {
        if (!planeSums.IsEmpty && planeSums.Length < 2L * batch * Filters)
            throw new ArgumentException($"{GetType().Name}: expected room for {2L * batch * Filters} plane sums. Received " +
                $"{planeSums.Length}.");
        TransformKernels(weights);
        unsafe
        {
            fixed (float* px = x) fixed (float* pb = bias) fixed (float* py = y) fixed (float* ps = planeSums)
                Parallelism.For(Math.Min(Threads, batch), new Body(this, px, bias.IsEmpty ? null : pb, py, null,
                    planeSums.IsEmpty ? null : ps, batch, backward: false, needInput: false));
        }
    }

    public void Backward(ReadOnlySpan<float> x, int batch, ReadOnlySpan<float> weights, ReadOnlySpan<float> dy,
        Span<float> dWeights, Span<float> dBias, Span<float> dx)
    {
        int threads = Math.Min(Threads, batch);
        if (!dx.IsEmpty) TransformKernels(weights);
        NeedsBiasGradient = !dBias.IsEmpty;
        unsafe
        {
            fixed (float* px = x) fixed (float* pdy = dy) fixed (float* pdx = dx)
                Parallelism.For(threads, new Body(this, px, null, pdx, pdy, null, batch, backward: true, needInput: !dx.IsEmpty));
        }
        int pairs = Filters * Channels;
        if (dWeights.Length < 9 * pairs)
            throw new ArgumentException($"{GetType().Name}: expected room for {9 * pairs} weight gradients. Received {dWeights.Length}.");
        unsafe
        {
            fixed (float* pdw = dWeights)
                Parallelism.For(Filters, new AdjointBody(this, threads, pdw));
        }
        if (!dBias.IsEmpty)
        {
            DB[0].AsSpan().CopyTo(dBias);
            for (int t = 1; t < threads; t++) TensorPrimitives.Add(dBias, DB[t], dBias);
        }
    }

    /// <summary>
    /// One thread's slice of the batch; <c>y</c> is the output in forward and dx in backward; <c>sums</c> the forward's plane
    /// sums or null.
    /// </summary>
    private readonly unsafe struct Body(WinogradConvolution k, float* x, float* bias, float* y, float* dy, float* sums, int batch,
        bool backward, bool needInput) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            int threads = Math.Min(k.Threads, batch);
            for (int t = start; t < end; t++)
            {
                int first = (int)((long)batch * t / threads), last = (int)((long)batch * (t + 1) / threads);
                int inSize = k.Channels * k.Height * k.Width, outSize = k.Filters * k.Height * k.Width;
                var input = new ReadOnlySpan<float>(x + (long)first * inSize, (last - first) * inSize);
                if (backward)
                {
                    var gradient = new ReadOnlySpan<float>(dy + (long)first * outSize, (last - first) * outSize);
                    var dx = needInput ? new Span<float>(y + (long)first * inSize, (last - first) * inSize) : default;
                    k.BackwardSlice(t, last - first, input, gradient, dx);
                }
                else
                {
                    k.ForwardSlice(t, last - first, input, bias == null ? default : new ReadOnlySpan<float>(bias, k.Filters),
                        new Span<float>(y + (long)first * outSize, (last - first) * outSize),
                        sums == null ? default : new Span<float>(sums + 2L * first * k.Filters, 2 * (last - first) * k.Filters));
                }
            }
        }
    }
}
