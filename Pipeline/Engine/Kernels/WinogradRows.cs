using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// The input transform of <see cref="WinogradTransforms"/> and its adjoint for eight neighbouring tiles of a tile row
/// at once (Vector256, one tile per lane). Tile tx reads padded columns 2tx … 2tx + 3, so planes are kept
/// deinterleaved: each padded row is its even cells E[k] = row[2k], then its odd cells O[k] = row[2k + 1], each
/// block <c>half</c> floats long; tile tx then needs E[tx], O[tx], E[tx + 1], O[tx + 1] — four plain vector loads.
/// </summary>
public static unsafe class WinogradRows
{
    /// <summary>
    /// V[ξ] for tiles tx0 … tx0 + 7 of the tile row whose top padded row is <paramref name="top"/> (row stride
    /// 2·half), into dst[ξ·xiStride + lane]. Lanes past the row's last tile hold garbage: the caller lets later
    /// tiles overwrite them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Input(float* top, int half, int tx0, float* dst, int xiStride)
    {
        int stride = 2 * half;
        float* a = top + tx0, b = a + stride, c = b + stride, d = c + stride;
        // Bᵀ along the rows (r0 − r2, r1 + r2, r2 − r1, r1 − r3) for each of the four columns a tile reads.
        Column(Load(a), Load(b), Load(c), Load(d), out var e0t0, out var e0t1, out var e0t2, out var e0t3);
        Column(Load(a + half), Load(b + half), Load(c + half), Load(d + half), out var o0t0, out var o0t1, out var o0t2, out var o0t3);
        Column(Load(a + 1), Load(b + 1), Load(c + 1), Load(d + 1), out var e1t0, out var e1t1, out var e1t2, out var e1t3);
        Column(Load(a + half + 1), Load(b + half + 1), Load(c + half + 1), Load(d + half + 1), out var o1t0, out var o1t1, out var o1t2,
            out var o1t3);
        // Then B along the columns of each row i: (E0 − E1, O0 + E1, E1 − O0, O0 − O1).
        Row(e0t0, o0t0, e1t0, o1t0, dst, xiStride);
        Row(e0t1, o0t1, e1t1, o1t1, dst + 4 * xiStride, xiStride);
        Row(e0t2, o0t2, e1t2, o1t2, dst + 8 * xiStride, xiStride);
        Row(e0t3, o0t3, e1t3, o1t3, dst + 12 * xiStride, xiStride);
    }

    /// <summary>
    /// dd = B dV Bᵀ of tiles tx0 … tx0 + 7 (dV from src[ξ·xiStride + lane]; lanes ≥ <paramref name="valid"/> are
    /// ignored), added into the deinterleaved padded rows from <paramref name="top"/>.
    /// </summary>
    /// <remarks>
    /// Column j of w = B dV goes to the padded columns by Bᵀ's row j — 0: +c0 −c2; 1: +c1 +c2; 2: −c1 +c2;
    /// 3: +c1 −c3, where c0 = E[tx], c1 = O[tx], c2 = E[tx + 1], c3 = O[tx + 1]. Per row, each cell takes its terms in
    /// the order E[k] += a_k, −= a_(k−1), += b_(k−1), += c_(k−1) and O[k] += b_k, −= c_k, += d_k, −= d_(k−1) (a … d:
    /// columns 0 … 3 of w): the row is loaded once and the (k − 1) terms come from the same registers shifted up one lane,
    /// so no load reads back a store it only partly overlaps (a store-forwarding stall per row and column). Cell 8
    /// (E[tx0 + 8], O[tx0 + 8]) takes lane 7's terms in scalar. A lane's extra ± 0 leaves its cell as it is: cells
    /// start at +0 and only ever add, so none holds −0.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void InputAdjointAdd(float* src, int xiStride, int valid, float* top, int half, int tx0)
    {
        var mask = Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(valid)).AsSingle();
        Column(src, xiStride, 0, mask, out var a0, out var a1, out var a2, out var a3);
        Column(src, xiStride, 1, mask, out var b0, out var b1, out var b2, out var b3);
        Column(src, xiStride, 2, mask, out var c0, out var c1, out var c2, out var c3);
        Column(src, xiStride, 3, mask, out var d0, out var d1, out var d2, out var d3);
        int stride = 2 * half;
        float* e = top + tx0;
        AddRow(e, half, a0, b0, c0, d0);
        AddRow(e + stride, half, a1, b1, c1, d1);
        AddRow(e + 2 * stride, half, a2, b2, c2, d2);
        AddRow(e + 3 * stride, half, a3, b3, c3, d3);

        // Column j of w = B dV: (dV0, dV1 − dV2 + dV3, dV1 + dV2 − dV0, −dV3), lanes ≥ valid zeroed.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Column(float* src, int xiStride, int j, Vector256<float> mask,
            out Vector256<float> w0, out Vector256<float> w1, out Vector256<float> w2, out Vector256<float> w3)
        {
            var v0 = Masked(src + j * xiStride, mask);
            var v1 = Masked(src + (4 + j) * xiStride, mask);
            var v2 = Masked(src + (8 + j) * xiStride, mask);
            var v3 = Masked(src + (12 + j) * xiStride, mask);
            (w0, w1, w2, w3) = (v0, v1 - v2 + v3, v1 + v2 - v0, -v3);
        }
    }

    /// <summary>
    /// One padded row's share of <see cref="InputAdjointAdd"/>: w's row (a, b, c, d) into E at <paramref name="e"/> and O at
    /// e + half, each cell's terms in the order given there; cell 8 of each block takes lane 7's terms.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow(float* e, int half, Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
    {
        float* o = e + half;
        (Vector256.Load(e) + a - ShiftUp(a) + ShiftUp(b) + ShiftUp(c)).Store(e);
        (Vector256.Load(o) + b - c + d - ShiftUp(d)).Store(o);
        e[8] = e[8] - a.GetElement(7) + b.GetElement(7) + c.GetElement(7);
        o[8] -= d.GetElement(7);
    }

    /// <summary>Lane k ← lane k − 1, lane 0 ← 0 (an out-of-range index selects zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ShiftUp(Vector256<float> v) => Vector256.Shuffle(v, Vector256.Create(8, 0, 1, 2, 3, 4, 5, 6));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load(float* p) => Vector256.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Masked(float* p, Vector256<float> mask) => Vector256.BitwiseAnd(Vector256.Load(p), mask);

    /// <summary>Bᵀ down one column of four cells; with <see cref="Row"/> across, the input transform both layouts share.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Column(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        out Vector256<float> t0, out Vector256<float> t1, out Vector256<float> t2, out Vector256<float> t3)
        => (t0, t1, t2, t3) = (r0 - r2, r1 + r2, r2 - r1, r1 - r3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Row(Vector256<float> e0, Vector256<float> o0, Vector256<float> e1, Vector256<float> o1, float* dst, int xiStride)
    {
        (e0 - e1).Store(dst);
        (o0 + e1).Store(dst + xiStride);
        (e1 - o0).Store(dst + 2 * xiStride);
        (o0 - o1).Store(dst + 3 * xiStride);
    }

    /// <summary>
    /// Y = Aᵀ M A of tiles tx0 … tx0 + 7 (M from src[ξ·xiStride + lane]), into the deinterleaved output rows
    /// <paramref name="top"/> and top + 2·half (Y's two rows; E[tx] = Y[·, 0], O[tx] = Y[·, 1]).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Output(float* src, int xiStride, float* top, int half, int tx0)
    {
        LeftProduct(src, xiStride, out var q00, out var q01, out var q02, out var q03, out var q10, out var q11, out var q12, out var q13);
        float* e = top + tx0, o = e + half;
        (q00 + q01 + q02).Store(e);
        (q01 - q02 - q03).Store(o);
        (q10 + q11 + q12).Store(e + 2 * half);
        (q11 - q12 - q13).Store(o + 2 * half);
    }

    /// <summary>
    /// q = Aᵀ M (2×4) of eight tiles: per column j, q0j = M0j + M1j + M2j and q1j = M1j − M2j − M3j; Y = q A is then
    /// (q0 + q1 + q2, q1 − q2 − q3) per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void LeftProduct(float* src, int xiStride, out Vector256<float> q00, out Vector256<float> q01, out Vector256<float> q02,
        out Vector256<float> q03, out Vector256<float> q10, out Vector256<float> q11, out Vector256<float> q12, out Vector256<float> q13)
    {
        Column(src, xiStride, 0, out q00, out q10);
        Column(src, xiStride, 1, out q01, out q11);
        Column(src, xiStride, 2, out q02, out q12);
        Column(src, xiStride, 3, out q03, out q13);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Column(float* src, int xiStride, int j, out Vector256<float> upper, out Vector256<float> lower)
        {
            var m1 = Load(src + (4 + j) * xiStride);
            var m2 = Load(src + (8 + j) * xiStride);
            upper = Load(src + j * xiStride) + m1 + m2;
            lower = m1 - m2 - Load(src + (12 + j) * xiStride);
        }
    }

    /// <summary>
    /// dM = A dY Aᵀ of tiles tx0 … tx0 + 7, dY from the deinterleaved rows <paramref name="top"/> and top + 2·half,
    /// into dst[ξ·xiStride + lane] (lanes past the last tile: garbage, overwritten later by the caller).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OutputAdjoint(float* top, int half, int tx0, float* dst, int xiStride)
    {
        float* e = top + tx0, o = e + half;
        Vector256<float> e0 = Load(e), o0 = Load(o), e1 = Load(e + 2 * half), o1 = Load(o + 2 * half);
        // p = A dY (rows dY0, dY0 + dY1, dY0 − dY1, −dY1), then each row times Aᵀ: (p_e, p_e + p_o, p_e − p_o, −p_o).
        GradientRow(e0, o0, dst, xiStride);
        GradientRow(e0 + e1, o0 + o1, dst + 4 * xiStride, xiStride);
        GradientRow(e0 - e1, o0 - o1, dst + 8 * xiStride, xiStride);
        GradientRow(-e1, -o1, dst + 12 * xiStride, xiStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GradientRow(Vector256<float> pe, Vector256<float> po, float* dst, int xiStride)
    {
        pe.Store(dst);
        (pe + po).Store(dst + xiStride);
        (pe - po).Store(dst + 2 * xiStride);
        (-po).Store(dst + 3 * xiStride);
    }

    /// <summary>
    /// <see cref="Input"/> of two tile rows of four tiles at once (a 7² or 8² map): lanes 0–3 are tiles 0–3 of the tile row
    /// whose top padded row is <paramref name="top"/>, lanes 4–7 those of the next tile row (top + 4·half), which are the
    /// next four columns of V. The same operations per lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void InputPair(float* top, int half, float* dst, int xiStride)
    {
        int stride = 2 * half, next = 2 * stride;
        float* a = top, b = a + stride, c = b + stride, d = c + stride;
        Column(Pair(a, next), Pair(b, next), Pair(c, next), Pair(d, next), out var e0t0, out var e0t1, out var e0t2, out var e0t3);
        Column(Pair(a + half, next), Pair(b + half, next), Pair(c + half, next), Pair(d + half, next), out var o0t0, out var o0t1,
            out var o0t2, out var o0t3);
        Column(Pair(a + 1, next), Pair(b + 1, next), Pair(c + 1, next), Pair(d + 1, next), out var e1t0, out var e1t1, out var e1t2,
            out var e1t3);
        Column(Pair(a + half + 1, next), Pair(b + half + 1, next), Pair(c + half + 1, next), Pair(d + half + 1, next), out var o1t0,
            out var o1t1, out var o1t2, out var o1t3);
        Row(e0t0, o0t0, e1t0, o1t0, dst, xiStride);
        Row(e0t1, o0t1, e1t1, o1t1, dst + 4 * xiStride, xiStride);
        Row(e0t2, o0t2, e1t2, o1t2, dst + 8 * xiStride, xiStride);
        Row(e0t3, o0t3, e1t3, o1t3, dst + 12 * xiStride, xiStride);
    }

    /// <summary>
    /// <see cref="Output"/> of two tile rows of four tiles at once: M's eight columns from src are tiles 0–3 of the tile row
    /// whose output rows start at <paramref name="top"/> and tiles 0–3 of the next one (top + 4·half). The same operations per
    /// lane; only cells 0–3 of each block are written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OutputPair(float* src, int xiStride, float* top, int half)
    {
        int next = 4 * half;
        LeftProduct(src, xiStride, out var q00, out var q01, out var q02, out var q03, out var q10, out var q11, out var q12, out var q13);
        float* e = top, o = e + half;
        StorePair(q00 + q01 + q02, e, next);
        StorePair(q01 - q02 - q03, o, next);
        StorePair(q10 + q11 + q12, e + 2 * half, next);
        StorePair(q11 - q12 - q13, o + 2 * half, next);
    }

    /// <summary>
    /// <see cref="OutputAdjoint"/> of two tile rows of four tiles at once (the rows of dY from <paramref name="top"/> and
    /// top + 4·half), into eight consecutive columns of dM. The same operations per lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OutputAdjointPair(float* top, int half, float* dst, int xiStride)
    {
        int next = 4 * half;
        float* e = top, o = e + half;
        Vector256<float> e0 = Pair(e, next), o0 = Pair(o, next), e1 = Pair(e + 2 * half, next), o1 = Pair(o + 2 * half, next);
        GradientRow(e0, o0, dst, xiStride);
        GradientRow(e0 + e1, o0 + o1, dst + 4 * xiStride, xiStride);
        GradientRow(e0 - e1, o0 - o1, dst + 8 * xiStride, xiStride);
        GradientRow(-e1, -o1, dst + 12 * xiStride, xiStride);
    }

    /// <summary>Four floats at p in lanes 0–3 and four at p + next in lanes 4–7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Pair(float* p, int next) => Vector256.Create(Vector128.Load(p), Vector128.Load(p + next));

    /// <summary>Lanes 0–3 of v to p, lanes 4–7 to p + next.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePair(Vector256<float> v, float* p, int next)
    {
        v.GetLower().Store(p);
        v.GetUpper().Store(p + next);
    }

    /// <summary>
    /// even[k] = src[2k], odd[k] = src[2k + 1] for the <paramref name="count"/> floats at src (a row of a map into its
    /// deinterleaved blocks). Writes whole vectors of eight: cells past count / 2 up to the next multiple of eight get
    /// zeros, so both blocks need that much room. Never reads past src + count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Deinterleave(float* src, int count, float* even, float* odd)
    {
        if (!Avx2.IsSupported)
        {
            for (int k = 0; k < (count + 15) / 16 * 8; k++)
            {
                even[k] = 2 * k < count ? src[2 * k] : 0f;
                odd[k] = 2 * k + 1 < count ? src[2 * k + 1] : 0f;
            }
            return;
        }
        for (int j = 0; j < count; j += 16, even += 8, odd += 8)
        {
            Vector256<float> lo, hi;
            if (j + 16 <= count) (lo, hi) = (Avx.LoadVector256(src + j), Avx.LoadVector256(src + j + 8));
            else (lo, hi) = (Avx.MaskLoad(src + j, TailMask(count - j)), Avx.MaskLoad(src + j + 8, TailMask(count - j - 8)));
            // Shuffle 0x88 / 0xDD: lo0 lo2 hi0 hi2 | lo4 lo6 hi4 hi6 (odd: 1 3); the 64-bit permute 0xD8 orders the pairs.
            Avx.Store(even, Avx2.Permute4x64(Avx.Shuffle(lo, hi, 0x88).AsDouble(), 0xD8).AsSingle());
            Avx.Store(odd, Avx2.Permute4x64(Avx.Shuffle(lo, hi, 0xDD).AsDouble(), 0xD8).AsSingle());
        }
    }

    /// <summary>
    /// dst[2k] = even[k] + bias, dst[2k + 1] = odd[k] + bias for the <paramref name="count"/> floats of dst (the inverse
    /// of <see cref="Deinterleave"/>, adding a filter's bias on the way). Reads whole vectors of eight from both blocks;
    /// never writes past dst + count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Interleave(float* even, float* odd, int count, float bias, float* dst)
        => Interleave(even, odd, count, addBias: true, bias, dst);

    /// <summary>
    /// dst[2k] = even[k], dst[2k + 1] = odd[k]: <see cref="Interleave(float*, float*, int, float, float*)"/> without a bias.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Interleave(float* even, float* odd, int count, float* dst) => Interleave(even, odd, count, addBias: false, 0f, dst);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Interleave(float* even, float* odd, int count, bool addBias, float bias, float* dst)
    {
        if (!Avx2.IsSupported)
        {
            for (int k = 0; 2 * k < count; k++) dst[2 * k] = addBias ? even[k] + bias : even[k];
            for (int k = 0; 2 * k + 1 < count; k++) dst[2 * k + 1] = addBias ? odd[k] + bias : odd[k];
            return;
        }
        var b = Vector256.Create(bias);
        for (int j = 0; j < count; j += 16, even += 8, odd += 8)
        {
            Vector256<float> e = Avx.LoadVector256(even), o = Avx.LoadVector256(odd);
            if (addBias) (e, o) = (e + b, o + b);
            // Unpack: e0 o0 e1 o1 | e4 o4 e5 o5 and e2 o2 e3 o3 | e6 o6 e7 o7; the 128-bit permutes join the halves in order.
            Vector256<float> low = Avx.UnpackLow(e, o), high = Avx.UnpackHigh(e, o);
            Vector256<float> first = Avx.Permute2x128(low, high, 0x20), second = Avx.Permute2x128(low, high, 0x31);
            if (j + 16 <= count)
            {
                Avx.Store(dst + j, first);
                Avx.Store(dst + j + 8, second);
            }
            else
            {
                Avx.MaskStore(dst + j, TailMask(count - j), first);
                Avx.MaskStore(dst + j + 8, TailMask(count - j - 8), second);
            }
        }
    }

    /// <summary>All ones in the first <paramref name="valid"/> lanes (none when ≤ 0), for masked loads and stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> TailMask(int valid)
        => Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(valid)).AsSingle();
}
