using System.Numerics;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// y[j] += a · x[j] in double, the product rounded before the sum (no fused multiply-add): the feature distance's
/// projection f·W and covariance Σ_n c·cᵀ. Lanes run over j only, so every y[j] adds its terms in the order the calls
/// come, as the scalar twins do: the same bits.
/// </summary>
public static class DoubleAxpy
{
    /// <summary>y[j] += a · x[j], x widened from float.</summary>
    public static void Add(ReadOnlySpan<float> x, double a, Span<double> y)
    {
        CheckLengths(x.Length, y.Length);
        int j = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var scale = new Vector<double>(a);
            int lanes = Vector<double>.Count;
            for (; j <= x.Length - Vector<float>.Count; j += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(x[j..]), out Vector<double> low, out Vector<double> high);
                (new Vector<double>(y[j..]) + low * scale).CopyTo(y[j..]);
                (new Vector<double>(y[(j + lanes)..]) + high * scale).CopyTo(y[(j + lanes)..]);
            }
        }
        for (; j < x.Length; j++) y[j] += a * x[j];
    }

    /// <summary>y[j] += a · x[j].</summary>
    public static void Add(ReadOnlySpan<double> x, double a, Span<double> y)
    {
        CheckLengths(x.Length, y.Length);
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scale = new Vector<double>(a);
            for (; j <= x.Length - Vector<double>.Count; j += Vector<double>.Count)
                (new Vector<double>(y[j..]) + new Vector<double>(x[j..]) * scale).CopyTo(y[j..]);
        }
        for (; j < x.Length; j++) y[j] += a * x[j];
    }

    /// <summary>Scalar reference twin of <see cref="Add(ReadOnlySpan{float}, double, Span{double})"/>.</summary>
    public static void AddReference(ReadOnlySpan<float> x, double a, Span<double> y)
    {
        for (int j = 0; j < x.Length; j++) y[j] += a * x[j];
    }

    /// <summary>Scalar reference twin of <see cref="Add(ReadOnlySpan{double}, double, Span{double})"/>.</summary>
    public static void AddReference(ReadOnlySpan<double> x, double a, Span<double> y)
    {
        for (int j = 0; j < x.Length; j++) y[j] += a * x[j];
    }

    private static void CheckLengths(int x, int y)
    {
        if (x != y) throw new ArgumentException($"axpy: expected x and y of one length. Received {x} and {y}.");
    }
}
