using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// The tile transforms of <see cref="Winograd4x4Transforms"/> for eight images at once (Vector256, one image per lane).
/// Planes are interleaved by image: cell (r, c) of a plane with <c>stride</c> cells per row is the vector at
/// p + (r·stride + c)·8, so every transform reads and writes whole vectors whatever the map size (tiles in lanes would
/// fill two lanes of eight at 7²). Transformed values go to dst + ξ·xiStride, eight consecutive columns.
/// </summary>
[SkipLocalsInit]
public static unsafe class Winograd4x4Lanes
{
    public const int Lanes = 8;

    /// <summary>V = Bᵀ d B for the 6×6 tile whose top-left cell is <paramref name="d"/>.</summary>
    public static void Input(float* d, int stride, float* dst, int xiStride)
    {
        Vector256<float>* t = stackalloc Vector256<float>[36];   // t = Bᵀ d, [a, j]
        int row = stride * Lanes;
        for (int j = 0; j < 6; j++)
        {
            float* c = d + j * Lanes;
            BtMap(L(c), L(c + row), L(c + 2 * row), L(c + 3 * row), L(c + 4 * row), L(c + 5 * row),
                out t[j], out t[6 + j], out t[12 + j], out t[18 + j], out t[24 + j], out t[30 + j]);
        }
        for (int a = 0; a < 6; a++)
        {
            Vector256<float>* r = t + 6 * a;
            BtMap(r[0], r[1], r[2], r[3], r[4], r[5], out var v0, out var v1, out var v2, out var v3, out var v4, out var v5);
            Store(dst + 6 * a * xiStride, xiStride, v0, v1, v2, v3, v4, v5);
        }
    }

    /// <summary>dd = B dV Bᵀ, added into the 6×6 tile whose top-left cell is <paramref name="d"/>.</summary>
    public static void InputAdjointAdd(float* dv, int xiStride, float* d, int stride)
    {
        Vector256<float>* w = stackalloc Vector256<float>[36];   // w = B dV, [i, b]
        for (int b = 0; b < 6; b++)
        {
            float* c = dv + b * xiStride;
            int s = 6 * xiStride;
            BMap(L(c), L(c + s), L(c + 2 * s), L(c + 3 * s), L(c + 4 * s), L(c + 5 * s),
                out w[b], out w[6 + b], out w[12 + b], out w[18 + b], out w[24 + b], out w[30 + b]);
        }
        for (int i = 0; i < 6; i++)
        {
            Vector256<float>* r = w + 6 * i;
            BMap(r[0], r[1], r[2], r[3], r[4], r[5], out var e0, out var e1, out var e2, out var e3, out var e4, out var e5);
            float* o = d + i * stride * Lanes;
            (L(o) + e0).Store(o);
            (L(o + Lanes) + e1).Store(o + Lanes);
            (L(o + 2 * Lanes) + e2).Store(o + 2 * Lanes);
            (L(o + 3 * Lanes) + e3).Store(o + 3 * Lanes);
            (L(o + 4 * Lanes) + e4).Store(o + 4 * Lanes);
            (L(o + 5 * Lanes) + e5).Store(o + 5 * Lanes);
        }
    }

    /// <summary>Y (4×4) = Aᵀ M A, written into the tile whose top-left cell is <paramref name="y"/>.</summary>
    public static void Output(float* m, int xiStride, float* y, int stride)
    {
        Vector256<float>* q = stackalloc Vector256<float>[24];   // q = Aᵀ M, [a, j]
        int s = 6 * xiStride;
        for (int j = 0; j < 6; j++)
        {
            float* c = m + j * xiStride;
            AtMap(L(c), L(c + s), L(c + 2 * s), L(c + 3 * s), L(c + 4 * s), L(c + 5 * s), out q[j], out q[6 + j], out q[12 + j],
                out q[18 + j]);
        }
        for (int a = 0; a < 4; a++)
        {
            Vector256<float>* r = q + 6 * a;
            AtMap(r[0], r[1], r[2], r[3], r[4], r[5], out var y0, out var y1, out var y2, out var y3);
            float* o = y + a * stride * Lanes;
            y0.Store(o);
            y1.Store(o + Lanes);
            y2.Store(o + 2 * Lanes);
            y3.Store(o + 3 * Lanes);
        }
    }

    /// <summary>dM = A dY Aᵀ for the 4×4 tile whose top-left cell is <paramref name="y"/>.</summary>
    public static void OutputAdjoint(float* y, int stride, float* dm, int xiStride)
    {
        Vector256<float>* p = stackalloc Vector256<float>[24];   // p = A dY, [i, b]
        int row = stride * Lanes;
        for (int b = 0; b < 4; b++)
        {
            float* c = y + b * Lanes;
            AMap(L(c), L(c + row), L(c + 2 * row), L(c + 3 * row), out p[b], out p[4 + b], out p[8 + b], out p[12 + b], out p[16 + b],
                out p[20 + b]);
        }
        for (int i = 0; i < 6; i++)
        {
            Vector256<float>* r = p + 4 * i;
            AMap(r[0], r[1], r[2], r[3], out var m0, out var m1, out var m2, out var m3, out var m4, out var m5);
            Store(dm + 6 * i * xiStride, xiStride, m0, m1, m2, m3, m4, m5);
        }
    }

    /// <summary>
    /// U = G g Gᵀ for eight consecutive 3×3 kernels (g: 8 × 9 floats, row-major each), one kernel per lane: U[ξ] of
    /// kernel k goes to u[ξ·xiStride + k]. Once per weight and step; the per-kernel loop over a generic 6×3 product
    /// was ~6 % of a `best` training step.
    /// </summary>
    public static void Kernel(float* g, float* u, int xiStride)
    {
        Vector256<float>* s = stackalloc Vector256<float>[18];   // s = G g, [i, j] (6×3)
        for (int j = 0; j < 3; j++)
            GMap(Gather9(g + j), Gather9(g + 3 + j), Gather9(g + 6 + j), out s[j], out s[3 + j], out s[6 + j], out s[9 + j], out s[12 + j],
                out s[15 + j]);
        for (int i = 0; i < 6; i++)
        {
            GMap(s[3 * i], s[3 * i + 1], s[3 * i + 2], out var u0, out var u1, out var u2, out var u3, out var u4, out var u5);
            Store(u + 6 * i * xiStride, xiStride, u0, u1, u2, u3, u4, u5);
        }
    }

    /// <summary>dg = Gᵀ dU G for eight consecutive kernels (the adjoint of <see cref="Kernel"/>): dU[ξ] of kernel k at
    /// du[ξ·xiStride + k], dg of kernel k at dg[9k …].</summary>
    public static void KernelAdjoint(float* du, int xiStride, float* dg)
    {
        Vector256<float>* h = stackalloc Vector256<float>[18];   // h = Gᵀ dU, [k, a] (3×6)
        int s = 6 * xiStride;
        for (int a = 0; a < 6; a++)
        {
            float* c = du + a * xiStride;
            GtMap(L(c), L(c + s), L(c + 2 * s), L(c + 3 * s), L(c + 4 * s), L(c + 5 * s), out h[a], out h[6 + a], out h[12 + a]);
        }
        Vector256<float>* e = stackalloc Vector256<float>[9];   // dg element [3·k + column] of the eight kernels
        for (int k = 0; k < 3; k++)
        {
            Vector256<float>* r = h + 6 * k;
            GtMap(r[0], r[1], r[2], r[3], r[4], r[5], out e[3 * k], out e[3 * k + 1], out e[3 * k + 2]);
        }
        WinogradKernelLanes.StoreKernels(e, dg);
    }

    /// <summary>Element e of eight kernels laid out 9 floats apart: (p[0], p[9], …, p[63]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Gather9(float* p) => Vector256.Create(p[0], p[9], p[18], p[27], p[36], p[45], p[54], p[63]);

    /// <summary>s = G x for one column x0..x2 (rows of G in <see cref="Winograd4x4Transforms.G"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GMap(Vector256<float> x0, Vector256<float> x1, Vector256<float> x2,
        out Vector256<float> s0, out Vector256<float> s1, out Vector256<float> s2,
        out Vector256<float> s3, out Vector256<float> s4, out Vector256<float> s5)
    {
        Vector256<float> even = x0 + x2, quarter = x0 * (1f / 24) + x2 * (1f / 6), odd = x1 * (1f / 12);
        s0 = x0 * 0.25f;
        s1 = (even + x1) * (-1f / 6);
        s2 = (even - x1) * (-1f / 6);
        s3 = quarter + odd;
        s4 = quarter - odd;
        s5 = x2;
    }

    /// <summary>x = Gᵀ s for one column s0..s5 (the adjoint of <see cref="GMap"/>: column k of G).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GtMap(
        Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3, Vector256<float> s4, Vector256<float> s5,
        out Vector256<float> x0, out Vector256<float> x1, out Vector256<float> x2)
    {
        Vector256<float> sum12 = s1 + s2, sum34 = s3 + s4;
        x0 = s0 * 0.25f - sum12 * (1f / 6) + sum34 * (1f / 24);
        x1 = (s2 - s1) * (1f / 6) + (s3 - s4) * (1f / 12);
        x2 = sum34 * (1f / 6) - sum12 * (1f / 6) + s5;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> L(float* p) => Vector256.Load(p);

    /// <summary>One row of six transformed values, ξ = 6·i + 0 … 5, <paramref name="xiStride"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* o, int xiStride, Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3,
        Vector256<float> v4, Vector256<float> v5)
    {
        v0.Store(o);
        v1.Store(o + xiStride);
        v2.Store(o + 2 * xiStride);
        v3.Store(o + 3 * xiStride);
        v4.Store(o + 4 * xiStride);
        v5.Store(o + 5 * xiStride);
    }

    /// <summary>t = Bᵀ d for one column d0..d5 (rows of Bᵀ in <see cref="Winograd4x4Transforms.BT"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BtMap(
        Vector256<float> d0, Vector256<float> d1, Vector256<float> d2, Vector256<float> d3, Vector256<float> d4, Vector256<float> d5,
        out Vector256<float> t0, out Vector256<float> t1, out Vector256<float> t2,
        out Vector256<float> t3, out Vector256<float> t4, out Vector256<float> t5)
    {
        Vector256<float> a = d4 - 4f * d2, b = d3 - 4f * d1, c = d4 - d2, e = 2f * (d3 - d1);
        t0 = 4f * d0 - 5f * d2 + d4;
        t1 = a + b;
        t2 = a - b;
        t3 = c + e;
        t4 = c - e;
        t5 = 4f * d1 - 5f * d3 + d5;
    }

    /// <summary>w = B v (the adjoint of <see cref="BtMap"/>: column i of Bᵀ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BMap(
        Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3, Vector256<float> v4, Vector256<float> v5,
        out Vector256<float> w0, out Vector256<float> w1, out Vector256<float> w2,
        out Vector256<float> w3, out Vector256<float> w4, out Vector256<float> w5)
    {
        Vector256<float> d12 = v2 - v1, s12 = v1 + v2, d34 = v4 - v3, s34 = v3 + v4;
        w0 = 4f * v0;
        w1 = 4f * d12 + 2f * d34 + 4f * v5;
        w2 = -5f * v0 - 4f * s12 - s34;
        w3 = -d12 - 2f * d34 - 5f * v5;
        w4 = v0 + s12 + s34;
        w5 = v5;
    }

    /// <summary>q = Aᵀ m for one column m0..m5.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AtMap(
        Vector256<float> m0, Vector256<float> m1, Vector256<float> m2, Vector256<float> m3, Vector256<float> m4, Vector256<float> m5,
        out Vector256<float> y0, out Vector256<float> y1, out Vector256<float> y2, out Vector256<float> y3)
    {
        Vector256<float> s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4;
        y0 = m0 + s12 + s34;
        y1 = d12 + 2f * d34;
        y2 = s12 + 4f * s34;
        y3 = d12 + 8f * d34 + m5;
    }

    /// <summary>p = A y (the adjoint of <see cref="AtMap"/>) for one column y0..y3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AMap(Vector256<float> y0, Vector256<float> y1, Vector256<float> y2, Vector256<float> y3,
        out Vector256<float> p0, out Vector256<float> p1, out Vector256<float> p2,
        out Vector256<float> p3, out Vector256<float> p4, out Vector256<float> p5)
    {
        Vector256<float> even = y0 + y2, odd = y1 + y3, even4 = y0 + 4f * y2, odd4 = 2f * (y1 + 4f * y3);
        p0 = y0;
        p1 = even + odd;
        p2 = even - odd;
        p3 = even4 + odd4;
        p4 = even4 - odd4;
        p5 = y3;
    }
}
