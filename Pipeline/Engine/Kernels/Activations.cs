using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.Intrinsics;

namespace MlNetFashion.Engine.Kernels;

/// <summary>Element-wise activations and their derivatives.</summary>
public static class Activations
{
    /// <summary>y = max(x, 0)</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    /// <summary>dx = dy where y &gt; 0, else 0 (y is the forward output).</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => LeakyReluBackward(y, dy, 0f, dx);

    /// <summary>y = x if x &gt; 0 else α·x</summary>
    public static void LeakyRelu(ReadOnlySpan<float> x, float alpha, Span<float> y)
    {
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
        for (; i < x.Length; i++) y[i] = x[i] > 0 ? x[i] : alpha * x[i];
    }

    /// <summary>dx = dy if y &gt; 0 else α·dy (y is the forward output; its sign equals the input's for α ≥ 0).</summary>
    public static void LeakyReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, float alpha, Span<float> dx)
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
