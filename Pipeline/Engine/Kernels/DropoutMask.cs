using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Inverted-dropout mask: mask[i] = 1/(1 − rate) with probability 1 − rate, else 0, drawn from the run's RNG.
/// Four 16-bit uniforms per 64-bit draw: the mask of a 128×32×14×14 batch costs 200k draws, not 800k; the
/// keep probability is quantized to 1/65,536. (The draw order is the definition: <see cref="Fill"/> is the plain loop,
/// <see cref="FillAndApply"/> the same mask as bits and y = x·mask in one vector pass, <see cref="Apply"/> dx = dy·mask
/// from the bits; tests compare them with <see cref="Fill"/> bit for bit and check the kept fraction and the values.)
/// </summary>
public static class DropoutMask
{
    private const int DrawBlock = 64; // draws taken from the RNG at a time (its state in registers), 256 values

    public static void Fill(Span<float> mask, float rate, EngineRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        (uint threshold, int scaleBits) = Constants(rate);
        int i = 0;
        for (; i <= mask.Length - 4; i += 4)
        {
            ulong bits = random.NextUInt64();
            mask[i] = Keep(bits, threshold, scaleBits);
            mask[i + 1] = Keep(bits >> 16, threshold, scaleBits);
            mask[i + 2] = Keep(bits >> 32, threshold, scaleBits);
            mask[i + 3] = Keep(bits >> 48, threshold, scaleBits);
        }
        if (i < mask.Length) Tail(mask.Slice(i), random.NextUInt64(), threshold, scaleBits);
    }

    /// <summary>Keep words a mask of <paramref name="length"/> values needs: one bit a value.</summary>
    public static int KeepWords(int length) => (length + 15) / 16;

    /// <summary>
    /// <see cref="Fill"/>'s mask (the same draws in the same order), kept as one bit a value (bit i mod 16 of keep[i / 16]:
    /// 1/32 of a float mask's memory traffic), and y = x·mask, in one pass: the draws come 64 at a time
    /// (<see cref="EngineRandom.NextUInt64s"/>); the four 16-bit uniforms of four draws are the sixteen 16-bit lanes of one
    /// vector, widened to 32 bits and compared with the threshold all at once, and each 16-value block is multiplied while
    /// it is in registers. mask[i] is scale = 1/(1 − rate) where the bit is set, else +0.
    /// </summary>
    public static void FillAndApply(ReadOnlySpan<float> x, Span<ushort> keep, float rate, EngineRandom random, Span<float> y)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (keep.Length < KeepWords(x.Length) || y.Length < x.Length)
            throw new ArgumentException($"DropoutMask: expected {KeepWords(x.Length)} keep words and {x.Length} floats of y. Received " +
                $"{keep.Length} and {y.Length}.");
        (uint threshold, int scaleBits) = Constants(rate);
        int i = 0, length = x.Length;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float rx = ref MemoryMarshal.GetReference(x);
            ref float ry = ref MemoryMarshal.GetReference(y);
            Vector256<uint> limit = Vector256.Create(threshold);
            Vector256<int> scale = Vector256.Create(scaleBits);
            Span<ulong> draws = stackalloc ulong[DrawBlock];
            while (i <= length - 16)
            {
                int count = Math.Min(DrawBlock, (length - i) / 16 * 4);
                random.NextUInt64s(draws.Slice(0, count));
                ref ulong rd = ref MemoryMarshal.GetReference(draws);
                for (int d = 0; d < count; d += 4, i += 16)
                {
                    // Little-endian: 16-bit lane k is draw k / 4 shifted right by 16·(k mod 4), Fill's order.
                    Vector256<ushort> uniforms = Vector256.LoadUnsafe(ref rd, (nuint)d).AsUInt16();
                    (Vector256<uint> low, Vector256<uint> high) = Vector256.Widen(uniforms);
                    Vector256<int> k0 = Vector256.GreaterThanOrEqual(low, limit).AsInt32();
                    Vector256<int> k1 = Vector256.GreaterThanOrEqual(high, limit).AsInt32();
                    keep[i / 16] = (ushort)(k0.ExtractMostSignificantBits() | k1.ExtractMostSignificantBits() << 8);
                    (Vector256.LoadUnsafe(ref rx, (nuint)i) * (k0 & scale).AsSingle()).StoreUnsafe(ref ry, (nuint)i);
                    (Vector256.LoadUnsafe(ref rx, (nuint)i + 8) * (k1 & scale).AsSingle()).StoreUnsafe(ref ry, (nuint)i + 8);
                }
            }
        }
        for (; i < length; i += 4)
        {
            ulong bits = random.NextUInt64();
            for (int k = 0; k < 4 && i + k < length; k++, bits >>= 16)
            {
                int kept = (uint)(bits & 0xFFFF) >= threshold ? 1 : 0, bit = (i + k) & 15;
                keep[(i + k) / 16] = (ushort)(keep[(i + k) / 16] & ~(1 << bit) | kept << bit);
                y[i + k] = x[i + k] * BitConverter.Int32BitsToSingle(scaleBits & -kept);
            }
        }
    }

    /// <summary>dx = dy·mask for the mask <see cref="FillAndApply"/> kept as bits (dropout's backward).</summary>
    public static void Apply(ReadOnlySpan<float> dy, ReadOnlySpan<ushort> keep, float rate, Span<float> dx)
    {
        if (keep.Length < KeepWords(dy.Length) || dx.Length < dy.Length)
            throw new ArgumentException($"DropoutMask: expected {KeepWords(dy.Length)} keep words and {dy.Length} floats of dx. Received " +
                $"{keep.Length} and {dx.Length}.");
        int scaleBits = Constants(rate).ScaleBits, i = 0, length = dy.Length;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float rdy = ref MemoryMarshal.GetReference(dy);
            ref float rdx = ref MemoryMarshal.GetReference(dx);
            Vector256<int> scale = Vector256.Create(scaleBits), lanes = Vector256.Create(1, 2, 4, 8, 16, 32, 64, 128);
            for (; i <= length - 16; i += 16)
            {
                int bits = keep[i / 16];
                Vector256<int> k0 = ~Vector256.Equals(Vector256.Create(bits) & lanes, Vector256<int>.Zero);
                Vector256<int> k1 = ~Vector256.Equals(Vector256.Create(bits >> 8) & lanes, Vector256<int>.Zero);
                (Vector256.LoadUnsafe(ref rdy, (nuint)i) * (k0 & scale).AsSingle()).StoreUnsafe(ref rdx, (nuint)i);
                (Vector256.LoadUnsafe(ref rdy, (nuint)i + 8) * (k1 & scale).AsSingle()).StoreUnsafe(ref rdx, (nuint)i + 8);
            }
        }
        for (; i < length; i++) dx[i] = dy[i] * BitConverter.Int32BitsToSingle(scaleBits & -((keep[i / 16] >> (i & 15)) & 1));
    }

    private static (uint Threshold, int ScaleBits) Constants(float rate)
    {
        if (!(rate >= 0 && rate < 1)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "DropoutMask: expected a rate in [0, 1).");
        return ((uint)Math.Round(rate * 65536.0), BitConverter.SingleToInt32Bits(1f / (1f - rate)));
    }

    /// <summary>The last 1–3 values, from one draw.</summary>
    private static void Tail(Span<float> mask, ulong bits, uint threshold, int scaleBits)
    {
        for (int i = 0; i < mask.Length; i++, bits >>= 16) mask[i] = Keep(bits, threshold, scaleBits);
    }

    /// <summary>scale when the low 16 bits are ≥ threshold, else +0 — branch-free
    /// (a kept/dropped branch mispredicts at rate 0.25).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Keep(ulong bits, uint threshold, int scaleBits)
    {
        int keep = (uint)(bits & 0xFFFF) >= threshold ? 1 : 0;
        return BitConverter.Int32BitsToSingle(scaleBits & -keep);
    }
}
