using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// The F(2×2) kernel transforms of <see cref="WinogradTransforms"/> on eight consecutive 3×3 kernels at once (Vector256,
/// one kernel per lane): U = G g Gᵀ once per weight update, dg = Gᵀ dU G once per backward pass. Each lane gets the adds,
/// subtractions and halvings of <see cref="WinogradTransforms.Kernel"/> and <see cref="WinogradTransforms.KernelAdjoint"/>
/// in the same order, so the results are the same bits.
/// </summary>
[SkipLocalsInit]
public static unsafe class WinogradKernelLanes
{
    public const int Lanes = 8;

    /// <summary>U[ξ] of kernel k (g: 8 × 9 floats, row-major each) into u[ξ·xiStride + k], k = 0 … 7.</summary>
    public static void Kernel(float* g, float* u, int xiStride)
    {
        Vector256<float> g0 = Gather9(g), g1 = Gather9(g + 1), g2 = Gather9(g + 2), g3 = Gather9(g + 3), g4 = Gather9(g + 4);
        Vector256<float> g5 = Gather9(g + 5), g6 = Gather9(g + 6), g7 = Gather9(g + 7), g8 = Gather9(g + 8);
        var half = Vector256.Create(0.5f);
        // s = G g (4×3): rows g0, ½(g0 + g1 + g2), ½(g0 − g1 + g2), g2 of the kernel's rows; then U = s Gᵀ along each row.
        KernelRow(g0, g1, g2, u, xiStride);
        KernelRow(half * (g0 + g3 + g6), half * (g1 + g4 + g7), half * (g2 + g5 + g8), u + 4 * xiStride, xiStride);
        KernelRow(half * (g0 - g3 + g6), half * (g1 - g4 + g7), half * (g2 - g5 + g8), u + 8 * xiStride, xiStride);
        KernelRow(g6, g7, g8, u + 12 * xiStride, xiStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void KernelRow(Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, float* u, int xiStride)
    {
        var half = Vector256.Create(0.5f);
        s0.Store(u);
        (half * (s0 + s1 + s2)).Store(u + xiStride);
        (half * (s0 - s1 + s2)).Store(u + 2 * xiStride);
        s2.Store(u + 3 * xiStride);
    }

    /// <summary>dg of kernel k (at dg + 9k, row-major) = Gᵀ dU G from du[ξ·xiStride + k], k = 0 … 7.</summary>
    public static void KernelAdjoint(float* du, int xiStride, float* dg)
    {
        var half = Vector256.Create(0.5f);
        float* r0 = du, r1 = du + 4 * xiStride, r2 = du + 8 * xiStride, r3 = du + 12 * xiStride;
        Vector256<float> b0 = L(r1), b1 = L(r1 + xiStride), b2 = L(r1 + 2 * xiStride), b3 = L(r1 + 3 * xiStride);
        Vector256<float> c0 = L(r2), c1 = L(r2 + xiStride), c2 = L(r2 + 2 * xiStride), c3 = L(r2 + 3 * xiStride);
        Vector256<float> a0 = b0 + c0, a1 = b1 + c1, a2 = b2 + c2, a3 = b3 + c3;
        // h = Gᵀ dU (3×4): rows dU0 + ½(dU1 + dU2), ½(dU1 − dU2), ½(dU1 + dU2) + dU3; then dg = h G along each row.
        Vector256<float>* e = stackalloc Vector256<float>[9];   // dg element [3·row + col] of the eight kernels
        AdjointRow(L(r0) + half * a0, L(r0 + xiStride) + half * a1, L(r0 + 2 * xiStride) + half * a2, L(r0 + 3 * xiStride) + half * a3,
            e);
        AdjointRow(half * (b0 - c0), half * (b1 - c1), half * (b2 - c2), half * (b3 - c3), e + 3);
        AdjointRow(half * a0 + L(r3), half * a1 + L(r3 + xiStride), half * a2 + L(r3 + 2 * xiStride), half * a3 + L(r3 + 3 * xiStride),
            e + 6);
        StoreKernels(e, dg);
    }

    /// <summary>
    /// dg[9·kernel + element] = e[element][kernel] for eight kernels' nine elements (one vector an element, one kernel a
    /// lane), elements 0 … 7 by an 8×8 transpose in place (e is overwritten), element 8 one float a kernel.
    /// </summary>
    internal static void StoreKernels(Vector256<float>* e, float* dg)
    {
        float* lanes = (float*)e;
        if (!Avx.IsSupported)
        {
            for (int kernel = 0; kernel < Lanes; kernel++)
                for (int element = 0; element < 9; element++)
                    dg[9 * kernel + element] = lanes[element * Lanes + kernel];
            return;
        }
        PlaneLanes.Transpose(e);
        for (int kernel = 0; kernel < Lanes; kernel++)
        {
            e[kernel].Store(dg + 9 * kernel);
            dg[9 * kernel + 8] = lanes[8 * Lanes + kernel];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AdjointRow(Vector256<float> h0, Vector256<float> h1, Vector256<float> h2, Vector256<float> h3,
        Vector256<float>* e)
    {
        var half = Vector256.Create(0.5f);
        e[0] = h0 + half * (h1 + h2);
        e[1] = half * (h1 - h2);
        e[2] = half * (h1 + h2) + h3;
    }

    /// <summary>Element e of eight kernels laid out 9 floats apart: (p[0], p[9], …, p[63]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Gather9(float* p) => Vector256.Create(p[0], p[9], p[18], p[27], p[36], p[45], p[54], p[63]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> L(float* p) => Vector256.Load(p);
}
