using System.Runtime.Intrinsics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Element-wise activations and their derivatives. Long spans (a 128×32×28×28 activation is 3.2 M floats) are cut
/// into fixed blocks run on the pool; each element is computed the same way whatever the split.
/// </summary>
public static unsafe class Activations
{
    private const int ParallelThreshold = 1 << 16, Block = 1 << 14;

    /// <summary>y = max(x, 0)</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y) => LeakyRelu(x, 0f, y);

    /// <summary>dx = dy where y &gt; 0, else 0 (y is the forward output).</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => LeakyReluBackward(y, dy, 0f, dx);

    /// <summary>y = x if x &gt; 0 else α·x (α = 0: ReLU)</summary>
    public static void LeakyRelu(ReadOnlySpan<float> x, float alpha, Span<float> y)
    {
        if (y.Length < x.Length)
            throw new ArgumentException($"Activations: expected a destination of at least {x.Length} floats. Received {y.Length}.");
        if (x.Length < ParallelThreshold)
        {
            LeakyReluSerial(x, alpha, y);
            return;
        }
        fixed (float* px = x) fixed (float* py = y)
            Parallelism.For((x.Length + Block - 1) / Block, new Body(px, null, py, alpha, x.Length, backward: false));
    }

    /// <summary>dx = dy if y &gt; 0 else α·dy (y is the forward output; its sign equals the input's for α ≥ 0).</summary>
    public static void LeakyReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, float alpha, Span<float> dx)
    {
        if (dy.Length < y.Length || dx.Length < y.Length)
            throw new ArgumentException($"Activations: expected dy and dx of at least {y.Length} floats. Received {dy.Length} and " +
                $"{dx.Length}.");
        if (y.Length < ParallelThreshold)
        {
            LeakyReluBackwardSerial(y, dy, alpha, dx);
            return;
        }
        fixed (float* py = y) fixed (float* pdy = dy) fixed (float* pdx = dx)
            Parallelism.For((y.Length + Block - 1) / Block, new Body(py, pdy, pdx, alpha, y.Length, backward: true));
    }

    private readonly struct Body(float* a, float* b, float* destination, float alpha, int length, bool backward) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            int first = start * Block, count = Math.Min(end * Block, length) - first;
            if (backward) LeakyReluBackwardSerial(new ReadOnlySpan<float>(a + first, count), new ReadOnlySpan<float>(b + first, count),
                alpha, new Span<float>(destination + first, count));
            else LeakyReluSerial(new ReadOnlySpan<float>(a + first, count), alpha, new Span<float>(destination + first, count));
        }
    }

    private static void LeakyReluSerial(ReadOnlySpan<float> x, float alpha, Span<float> y)
    {
        if (alpha == 0)
        {
            TensorPrimitives.Max(x, 0f, y);
            return;
        }
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(alpha);
            for (; i <= x.Length - 16; i += 16)
            {
                var v = Vector512.Create(x.Slice(i, 16));
                Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), v, v * a).CopyTo(y.Slice(i, 16));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(alpha);
            for (; i <= x.Length - 8; i += 8)
            {
                var v = Vector256.Create(x.Slice(i, 8));
                Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * a).CopyTo(y.Slice(i, 8));
            }
        }
        for (; i < x.Length; i++) y[i] = x[i] > 0 ? x[i] : alpha * x[i];
    }

    /// <summary>
    /// <see cref="LeakyReluBackward"/> on the calling thread (for kernels that fuse it into their own passes); dx may be dy.
    /// </summary>
    internal static void LeakyReluBackwardSerial(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, float alpha, Span<float> dx)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(alpha);
            for (; i <= y.Length - 16; i += 16)
            {
                var g = Vector512.Create(dy.Slice(i, 16));
                var mask = Vector512.GreaterThan(Vector512.Create(y.Slice(i, 16)), Vector512<float>.Zero);
                Vector512.ConditionalSelect(mask, g, g * a).CopyTo(dx.Slice(i, 16));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            // Without this twin of the AVX-512 loop, AVX2 machines ran the scalar loop, whose branch on the sign
            // mispredicts half the time: 8 ms instead of ~1 ms for the first ReLU of the fast net at batch 128.
            var a = Vector256.Create(alpha);
            for (; i <= y.Length - 8; i += 8)
            {
                var g = Vector256.Create(dy.Slice(i, 8));
                var mask = Vector256.GreaterThan(Vector256.Create(y.Slice(i, 8)), Vector256<float>.Zero);
                Vector256.ConditionalSelect(mask, g, g * a).CopyTo(dx.Slice(i, 8));
            }
        }
        for (; i < y.Length; i++) dx[i] = y[i] > 0 ? dy[i] : alpha * dy[i];
    }

    /// <summary>Scalar reference twin of <see cref="LeakyReluBackward"/>.</summary>
    public static void LeakyReluBackwardReference(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, float alpha, Span<float> dx)
    {
        for (int i = 0; i < y.Length; i++) dx[i] = y[i] > 0 ? dy[i] : alpha * dy[i];
    }

    /// <summary>Scalar reference twin of <see cref="Relu"/> and <see cref="LeakyRelu"/> (α = 0 for ReLU).</summary>
    public static void LeakyReluReference(ReadOnlySpan<float> x, float alpha, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] > 0 ? x[i] : alpha * x[i];
    }
}
