using System.Runtime.CompilerServices;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// The tile transforms of Winograd's F(2×2, 3×3) (Lavin &amp; Gray, 2015) and their adjoints. One output tile Y (2×2)
/// of a 3×3 correlation of a 4×4 input tile d with the kernel g is Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A, with
/// Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1], G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1], Aᵀ = [1 1 1 0; 0 1 −1 −1]:
/// 16 multiplications per tile and channel instead of 36. The backward passes are the adjoints of the same maps:
/// dM = A dY Aᵀ, dd = B dV Bᵀ, dg = Gᵀ dU G.
/// The 16 transformed values of a tile are ξ = 4·i + j, stored <c>xiStride</c> apart (one GEMM operand per ξ);
/// spatial tiles are read and written in place in a plane with row stride <c>stride</c>. Unrolled on locals: these run
/// once per tile and channel, millions of times per step.
/// </summary>
public static unsafe class WinogradTransforms
{
    /// <summary>U = G g Gᵀ for one 3×3 kernel g (row-major), into u[ξ·xiStride].</summary>
    public static void Kernel(float* g, float* u, int xiStride)
    {
        // s = G g (4×3): rows g0, ½(g0 + g1 + g2), ½(g0 − g1 + g2), g2; then U = s Gᵀ, the same map along each row.
        KernelRow(g[0], g[1], g[2], u, xiStride);
        KernelRow(0.5f * (g[0] + g[3] + g[6]), 0.5f * (g[1] + g[4] + g[7]), 0.5f * (g[2] + g[5] + g[8]), u + 4 * xiStride, xiStride);
        KernelRow(0.5f * (g[0] - g[3] + g[6]), 0.5f * (g[1] - g[4] + g[7]), 0.5f * (g[2] - g[5] + g[8]), u + 8 * xiStride, xiStride);
        KernelRow(g[6], g[7], g[8], u + 12 * xiStride, xiStride);

        static void KernelRow(float s0, float s1, float s2, float* u, int xiStride)
        {
            u[0] = s0;
            u[xiStride] = 0.5f * (s0 + s1 + s2);
            u[2 * xiStride] = 0.5f * (s0 - s1 + s2);
            u[3 * xiStride] = s2;
        }
    }

    /// <summary>dg (3×3, row-major) = Gᵀ dU G, the adjoint of <see cref="Kernel"/>, from du[ξ·xiStride].</summary>
    public static void KernelAdjoint(float* du, int xiStride, float* dg)
    {
        // h = Gᵀ dU (3×4): rows dU0 + ½(dU1 + dU2), ½(dU1 − dU2), ½(dU1 + dU2) + dU3; then dg = h G, the same map along each row.
        float* r0 = du, r1 = du + 4 * xiStride, r2 = du + 8 * xiStride, r3 = du + 12 * xiStride;
        float a0 = r1[0] + r2[0], a1 = r1[xiStride] + r2[xiStride], a2 = r1[2 * xiStride] + r2[2 * xiStride],
            a3 = r1[3 * xiStride] + r2[3 * xiStride];
        AdjointRow(r0[0] + 0.5f * a0, r0[xiStride] + 0.5f * a1, r0[2 * xiStride] + 0.5f * a2, r0[3 * xiStride] + 0.5f * a3, dg);
        AdjointRow(0.5f * (r1[0] - r2[0]), 0.5f * (r1[xiStride] - r2[xiStride]), 0.5f * (r1[2 * xiStride] - r2[2 * xiStride]),
            0.5f * (r1[3 * xiStride] - r2[3 * xiStride]), dg + 3);
        AdjointRow(0.5f * a0 + r3[0], 0.5f * a1 + r3[xiStride], 0.5f * a2 + r3[2 * xiStride], 0.5f * a3 + r3[3 * xiStride], dg + 6);

        static void AdjointRow(float h0, float h1, float h2, float h3, float* dg)
        {
            dg[0] = h0 + 0.5f * (h1 + h2);
            dg[1] = 0.5f * (h1 - h2);
            dg[2] = 0.5f * (h1 + h2) + h3;
        }
    }

    /// <summary>V = Bᵀ d B for the 4×4 tile at <paramref name="d"/>, into v[ξ·xiStride].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Input(float* d, int stride, float* v, int xiStride)
    {
        float* r0 = d, r1 = d + stride, r2 = d + 2 * stride, r3 = d + 3 * stride;
        // t = Bᵀ d: rows r0 − r2, r1 + r2, r2 − r1, r1 − r3 (per column j); then each row of t times B.
        Row(r0[0] - r2[0], r0[1] - r2[1], r0[2] - r2[2], r0[3] - r2[3], v, xiStride);
        Row(r1[0] + r2[0], r1[1] + r2[1], r1[2] + r2[2], r1[3] + r2[3], v + 4 * xiStride, xiStride);
        Row(r2[0] - r1[0], r2[1] - r1[1], r2[2] - r1[2], r2[3] - r1[3], v + 8 * xiStride, xiStride);
        Row(r1[0] - r3[0], r1[1] - r3[1], r1[2] - r3[2], r1[3] - r3[3], v + 12 * xiStride, xiStride);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Row(float t0, float t1, float t2, float t3, float* v, int xiStride)
        {
            v[0] = t0 - t2;
            v[xiStride] = t1 + t2;
            v[2 * xiStride] = t2 - t1;
            v[3 * xiStride] = t1 - t3;
        }
    }

    /// <summary>dd = B dV Bᵀ, the adjoint of <see cref="Input"/>, from dv[ξ·xiStride],
    /// added into the 4×4 tile at <paramref name="d"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void InputAdjointAdd(float* dv, int xiStride, float* d, int stride)
    {
        // w = B dV (rows dV0, dV1 − dV2 + dV3, dV1 + dV2 − dV0, −dV3), then dd = w Bᵀ: the same map along each row.
        float* v0 = dv, v1 = dv + 4 * xiStride, v2 = dv + 8 * xiStride, v3 = dv + 12 * xiStride;
        Row(v0[0], v0[xiStride], v0[2 * xiStride], v0[3 * xiStride], d);
        Row(v1[0] - v2[0] + v3[0], v1[xiStride] - v2[xiStride] + v3[xiStride], v1[2 * xiStride] - v2[2 * xiStride] + v3[2 * xiStride],
            v1[3 * xiStride] - v2[3 * xiStride] + v3[3 * xiStride], d + stride);
        Row(v1[0] + v2[0] - v0[0], v1[xiStride] + v2[xiStride] - v0[xiStride], v1[2 * xiStride] + v2[2 * xiStride] - v0[2 * xiStride],
            v1[3 * xiStride] + v2[3 * xiStride] - v0[3 * xiStride], d + 2 * stride);
        Row(-v3[0], -v3[xiStride], -v3[2 * xiStride], -v3[3 * xiStride], d + 3 * stride);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Row(float w0, float w1, float w2, float w3, float* d)
        {
            d[0] += w0;
            d[1] += w1 - w2 + w3;
            d[2] += w1 + w2 - w0;
            d[3] -= w3;
        }
    }

    /// <summary>Y (2×2) = Aᵀ M A from m[ξ·xiStride], written into the tile at <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Output(float* m, int xiStride, float* y, int stride)
    {
        // q = Aᵀ M (2×4): rows M0 + M1 + M2 and M1 − M2 − M3; then Y = q A: the same map along each row.
        float q00 = m[0] + m[4 * xiStride] + m[8 * xiStride], q10 = m[4 * xiStride] - m[8 * xiStride] - m[12 * xiStride];
        float q01 = m[xiStride] + m[5 * xiStride] + m[9 * xiStride], q11 = m[5 * xiStride] - m[9 * xiStride] - m[13 * xiStride];
        float q02 = m[2 * xiStride] + m[6 * xiStride] + m[10 * xiStride], q12 = m[6 * xiStride] - m[10 * xiStride] - m[14 * xiStride];
        float q03 = m[3 * xiStride] + m[7 * xiStride] + m[11 * xiStride], q13 = m[7 * xiStride] - m[11 * xiStride] - m[15 * xiStride];
        y[0] = q00 + q01 + q02;
        y[1] = q01 - q02 - q03;
        y[stride] = q10 + q11 + q12;
        y[stride + 1] = q11 - q12 - q13;
    }

    /// <summary>dM = A dY Aᵀ, the adjoint of <see cref="Output"/>,
    /// for the 2×2 tile at <paramref name="y"/>, into dm[ξ·xiStride].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OutputAdjoint(float* y, int stride, float* dm, int xiStride)
    {
        float y00 = y[0], y01 = y[1], y10 = y[stride], y11 = y[stride + 1];
        // p = A dY (4×2): rows dY0, dY0 + dY1, dY0 − dY1, −dY1; then dM = p Aᵀ, the same pattern along each row.
        Row(y00, y01, dm, xiStride);
        Row(y00 + y10, y01 + y11, dm + 4 * xiStride, xiStride);
        Row(y00 - y10, y01 - y11, dm + 8 * xiStride, xiStride);
        Row(-y10, -y11, dm + 12 * xiStride, xiStride);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Row(float p0, float p1, float* dm, int xiStride)
        {
            dm[0] = p0;
            dm[xiStride] = p0 + p1;
            dm[2 * xiStride] = p0 - p1;
            dm[3 * xiStride] = -p1;
        }
    }
}
