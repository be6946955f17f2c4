using System.Numerics;

namespace MlNetFashion.Engine.Kernels;

/// <summary>The exponential moving average of a tensor (weight averaging).</summary>
public static class MovingAverage
{
    /// <summary>
    /// average[i] = average[i] · d + value[i] · (1 − d), rounded after each operation as written (no fused multiply-add),
    /// so it equals <see cref="UpdateReference"/> bit for bit.
    /// </summary>
    public static void Update(ReadOnlySpan<float> value, float decay, Span<float> average)
    {
        if (value.Length != average.Length)
            throw new ArgumentException($"moving average: expected {average.Length} values. Received {value.Length}.", nameof(value));
        float keep = decay, take = 1 - decay;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var (keepV, takeV) = (new Vector<float>(keep), new Vector<float>(take));
            for (; i <= value.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var a = new Vector<float>(average[i..]);
                (a * keepV + new Vector<float>(value[i..]) * takeV).CopyTo(average[i..]);
            }
        }
        for (; i < value.Length; i++) average[i] = average[i] * keep + value[i] * take;
    }

    /// <summary>Scalar reference twin of <see cref="Update"/>.</summary>
    public static void UpdateReference(ReadOnlySpan<float> value, float decay, Span<float> average)
    {
        for (int i = 0; i < value.Length; i++) average[i] = average[i] * decay + value[i] * (1 - decay);
    }
}
