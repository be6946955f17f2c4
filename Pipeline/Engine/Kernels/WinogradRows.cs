using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void InputAdjointAdd(float* src, int xiStride, int valid, float* top, int half, int tx0)
    {
        var mask = Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(valid)).AsSingle();
        int stride = 2 * half;
        float* e = top + tx0, o = e + half;
        // Column j of w = B dV goes to the padded columns by Bᵀ's row j — 0: +c0 −c2; 1: +c1 +c2; 2: −c1 +c2;
        // 3: +c1 −c3, where c0 = E[tx], c1 = O[tx], c2 = E[tx + 1], c3 = O[tx + 1].
        Column(src, xiStride, 0, mask, out var a0, out var a1, out var a2, out var a3);
        Add(e, stride, a0, a1, a2, a3);
        Sub(e + 1, stride, a0, a1, a2, a3);
        Column(src, xiStride, 1, mask, out var b0, out var b1, out var b2, out var b3);
        Add(o, stride, b0, b1, b2, b3);
        Add(e + 1, stride, b0, b1, b2, b3);
        Column(src, xiStride, 2, mask, out var c0, out var c1, out var c2, out var c3);
        Sub(o, stride, c0, c1, c2, c3);
        Add(e + 1, stride, c0, c1, c2, c3);
        Column(src, xiStride, 3, mask, out var d0, out var d1, out var d2, out var d3);
        Add(o, stride, d0, d1, d2, d3);
        Sub(o + 1, stride, d0, d1, d2, d3);

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load(float* p) => Vector256.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Masked(float* p, Vector256<float> mask) => Vector256.BitwiseAnd(Vector256.Load(p), mask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        out Vector256<float> t0, out Vector256<float> t1, out Vector256<float> t2, out Vector256<float> t3)
        => (t0, t1, t2, t3) = (r0 - r2, r1 + r2, r2 - r1, r1 - r3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(Vector256<float> e0, Vector256<float> o0, Vector256<float> e1, Vector256<float> o1, float* dst, int xiStride)
    {
        (e0 - e1).Store(dst);
        (o0 + e1).Store(dst + xiStride);
        (e1 - o0).Store(dst + 2 * xiStride);
        (o0 - o1).Store(dst + 3 * xiStride);
    }

    /// <summary>Rows i = 0..3 of the tile: p[i·stride + lane] += w_i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(float* p, int stride, Vector256<float> w0, Vector256<float> w1, Vector256<float> w2, Vector256<float> w3)
    {
        (Vector256.Load(p) + w0).Store(p);
        (Vector256.Load(p + stride) + w1).Store(p + stride);
        (Vector256.Load(p + 2 * stride) + w2).Store(p + 2 * stride);
        (Vector256.Load(p + 3 * stride) + w3).Store(p + 3 * stride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Sub(float* p, int stride, Vector256<float> w0, Vector256<float> w1, Vector256<float> w2, Vector256<float> w3)
    {
        (Vector256.Load(p) - w0).Store(p);
        (Vector256.Load(p + stride) - w1).Store(p + stride);
        (Vector256.Load(p + 2 * stride) - w2).Store(p + 2 * stride);
        (Vector256.Load(p + 3 * stride) - w3).Store(p + 3 * stride);
    }

    /// <summary>
    /// Y = Aᵀ M A of tiles tx0 … tx0 + 7 (M from src[ξ·xiStride + lane]), into the deinterleaved output rows
    /// <paramref name="top"/> and top + 2·half (Y's two rows; E[tx] = Y[·, 0], O[tx] = Y[·, 1]).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Output(float* src, int xiStride, float* top, int half, int tx0)
    {
        // q = Aᵀ M (2×4): per column j, M0 + M1 + M2 and M1 − M2 − M3; then Y = q A: (q0 + q1 + q2, q1 − q2 − q3).
        Column(src, xiStride, 0, out var q00, out var q10);
        Column(src, xiStride, 1, out var q01, out var q11);
        Column(src, xiStride, 2, out var q02, out var q12);
        Column(src, xiStride, 3, out var q03, out var q13);
        float* e = top + tx0, o = e + half;
        (q00 + q01 + q02).Store(e);
        (q01 - q02 - q03).Store(o);
        (q10 + q11 + q12).Store(e + 2 * half);
        (q11 - q12 - q13).Store(o + 2 * half);

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
}
