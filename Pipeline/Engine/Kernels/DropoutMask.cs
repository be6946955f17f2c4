using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Inverted-dropout mask: mask[i] = 1/(1 − rate) with probability 1 − rate, else 0, drawn from the run's RNG.
/// Four 16-bit uniforms per 64-bit draw: the mask of a 128×32×14×14 batch costs 200k draws, not 800k; the
/// keep probability is quantized to 1/65,536. (No scalar twin: the draw order is the definition; tests check the
/// kept fraction and the values instead.)
/// </summary>
public static class DropoutMask
{
    public static void Fill(Span<float> mask, float rate, EngineRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (rate is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(rate), rate, "DropoutMask: expected a rate in [0, 1).");
        float scale = 1f / (1f - rate);
        uint threshold = (uint)Math.Round(rate * 65536.0);
        int scaleBits = BitConverter.SingleToInt32Bits(scale);
        int i = 0;
        for (; i <= mask.Length - 4; i += 4)
        {
            ulong bits = random.NextUInt64();
            mask[i] = Keep(bits, threshold, scaleBits);
            mask[i + 1] = Keep(bits >> 16, threshold, scaleBits);
            mask[i + 2] = Keep(bits >> 32, threshold, scaleBits);
            mask[i + 3] = Keep(bits >> 48, threshold, scaleBits);
        }
        if (i < mask.Length)
        {
            ulong bits = random.NextUInt64();
            for (; i < mask.Length; i++, bits >>= 16) mask[i] = Keep(bits, threshold, scaleBits);
        }
    }

    /// <summary>scale when the low 16 bits are ≥ threshold, else +0 — branch-free
    /// (a kept/dropped branch mispredicts at rate 0.25).</summary>
    private static float Keep(ulong bits, uint threshold, int scaleBits)
    {
        int keep = (uint)(bits & 0xFFFF) >= threshold ? 1 : 0;
        return BitConverter.Int32BitsToSingle(scaleBits & -keep);
    }
}
