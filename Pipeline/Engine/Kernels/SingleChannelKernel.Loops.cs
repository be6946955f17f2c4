using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetFashion.Engine.Kernels;

/// <summary>The SIMD loops of <see cref="SingleChannelKernel"/> over padded planes: correlations, bias sums, weight gradients.</summary>
public sealed unsafe partial class SingleChannelKernel
{
    /// <summary>
    /// Two filters over one plane: out0/out1[q] = Σ_tap w0/w1[tap] · in[q·8 + offset(tap)]. Four output vectors × two
    /// filters = eight independent FMA chains (enough to hide the FMA latency on two FMA ports), and each input
    /// vector loaded serves both filters.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CorrelatePair(float* input, float* w0, float* w1, int* offsets, int taps, int vectors, float* out0, float* out1)
    {
        int q = CorrelatePairBlocks<Vector256<float>>(input, w0, w1, offsets, taps, vectors, out0, out1);
        for (; q < vectors; q++)
        {
            Vector256<float> a = default, b = default;
            float* src = input + q * Lanes;
            for (int tap = 0; tap < taps; tap++)
            {
                Vector256<float> x = Vector256.Load(src + offsets[tap]);
                a = Vector256.FusedMultiplyAdd(Vector256.Create(w0[tap]), x, a);
                b = Vector256.FusedMultiplyAdd(Vector256.Create(w1[tap]), x, b);
            }
            a.Store(out0 + q * Lanes);
            b.Store(out1 + q * Lanes);
        }
    }

    /// <summary>
    /// out[q] = Σ_c Σ_tap w[c, tap] · in[c][q·8 + offset(tap)] for output vectors q in [0, vectors): planes of
    /// <paramref name="planeSize"/> floats, four output vectors at a time so four FMA chains overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Correlate(float* input, int planeSize, int channels, float* w, int* offsets, int taps, int vectors, float* output)
    {
        int q = 0;
        for (; q + 4 <= vectors; q += 4)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int c = 0; c < channels; c++)
            {
                float* src = input + (long)c * planeSize + q * Lanes;
                float* wc = w + c * taps;
                for (int tap = 0; tap < taps; tap++)
                {
                    Vector256<float> weight = Vector256.Create(wc[tap]);
                    float* s = src + offsets[tap];
                    a0 = Vector256.FusedMultiplyAdd(weight, Vector256.Load(s), a0);
                    a1 = Vector256.FusedMultiplyAdd(weight, Vector256.Load(s + Lanes), a1);
                    a2 = Vector256.FusedMultiplyAdd(weight, Vector256.Load(s + 2 * Lanes), a2);
                    a3 = Vector256.FusedMultiplyAdd(weight, Vector256.Load(s + 3 * Lanes), a3);
                }
            }
            float* o = output + q * Lanes;
            a0.Store(o);
            a1.Store(o + Lanes);
            a2.Store(o + 2 * Lanes);
            a3.Store(o + 3 * Lanes);
        }
        for (; q < vectors; q++)
        {
            Vector256<float> a = default;
            for (int c = 0; c < channels; c++)
            {
                float* src = input + (long)c * planeSize + q * Lanes;
                float* wc = w + c * taps;
                for (int tap = 0; tap < taps; tap++)
                    a = Vector256.FusedMultiplyAdd(Vector256.Create(wc[tap]), Vector256.Load(src + offsets[tap]), a);
            }
            a.Store(output + q * Lanes);
        }
    }

    /// <summary>
    /// biasAcc[p] += Σ_q g_p[q] (lane-wise, q in order) for <paramref name="count"/> ≤ 4 planes <paramref name="planeSize"/> apart:
    /// each sum is one chain of dependent adds, so four planes' chains run side by side rather than one after another.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BiasSums(float* g, int planeSize, int count, int vectors, float* biasAcc)
    {
        if (count == BiasChains)
        {
            float* g1 = g + planeSize, g2 = g + 2 * planeSize, g3 = g + 3 * planeSize;
            Vector256<float> s0 = Vector256.Load(biasAcc), s1 = Vector256.Load(biasAcc + Lanes), s2 = Vector256.Load(biasAcc + 2 * Lanes),
                s3 = Vector256.Load(biasAcc + 3 * Lanes);
            for (int q = 0; q < vectors; q++)
            {
                int o = q * Lanes;
                s0 += Vector256.Load(g + o);
                s1 += Vector256.Load(g1 + o);
                s2 += Vector256.Load(g2 + o);
                s3 += Vector256.Load(g3 + o);
            }
            s0.Store(biasAcc);
            s1.Store(biasAcc + Lanes);
            s2.Store(biasAcc + 2 * Lanes);
            s3.Store(biasAcc + 3 * Lanes);
            return;
        }
        for (int p = 0; p < count; p++)
        {
            float* gp = g + (long)p * planeSize, target = biasAcc + p * Lanes;
            Vector256<float> sum = Vector256.Load(target);
            for (int q = 0; q < vectors; q++) sum += Vector256.Load(gp + q * Lanes);
            sum.Store(target);
        }
    }

    /// <summary>
    /// acc[tap] += Σ_q g[q] · x[q·8 + offset(tap)] (lane-wise; the lanes are summed once at the end).
    /// g is a stride-S gradient plane whose cells past each row's end are zero, so the dropped output cells add nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradient(float* g, float* x, int* offsets, int taps, int vectors, float* acc)
    {
        // Two taps at a time: eight independent chains, and each gradient vector loaded serves both.
        int tap = 0;
        for (; tap + 2 <= taps; tap += 2)
        {
            float* s = x + offsets[tap], r = x + offsets[tap + 1];
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            int q = 0;
            for (; q + 4 <= vectors; q += 4)
            {
                int o = q * Lanes;
                Vector256<float> g0 = Vector256.Load(g + o), g1 = Vector256.Load(g + o + Lanes), g2 = Vector256.Load(g + o + 2 * Lanes),
                    g3 = Vector256.Load(g + o + 3 * Lanes);
                a0 = Vector256.FusedMultiplyAdd(g0, Vector256.Load(s + o), a0);
                b0 = Vector256.FusedMultiplyAdd(g0, Vector256.Load(r + o), b0);
                a1 = Vector256.FusedMultiplyAdd(g1, Vector256.Load(s + o + Lanes), a1);
                b1 = Vector256.FusedMultiplyAdd(g1, Vector256.Load(r + o + Lanes), b1);
                a2 = Vector256.FusedMultiplyAdd(g2, Vector256.Load(s + o + 2 * Lanes), a2);
                b2 = Vector256.FusedMultiplyAdd(g2, Vector256.Load(r + o + 2 * Lanes), b2);
                a3 = Vector256.FusedMultiplyAdd(g3, Vector256.Load(s + o + 3 * Lanes), a3);
                b3 = Vector256.FusedMultiplyAdd(g3, Vector256.Load(r + o + 3 * Lanes), b3);
            }
            for (; q < vectors; q++)
            {
                Vector256<float> gq = Vector256.Load(g + q * Lanes);
                a0 = Vector256.FusedMultiplyAdd(gq, Vector256.Load(s + q * Lanes), a0);
                b0 = Vector256.FusedMultiplyAdd(gq, Vector256.Load(r + q * Lanes), b0);
            }
            float* target = acc + tap * Lanes;
            (Vector256.Load(target) + ((a0 + a1) + (a2 + a3))).Store(target);
            (Vector256.Load(target + Lanes) + ((b0 + b1) + (b2 + b3))).Store(target + Lanes);
        }
        if (tap < taps)
        {
            float* s = x + offsets[tap];
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            int q = 0;
            for (; q + 4 <= vectors; q += 4)
            {
                int o = q * Lanes;
                a0 = Vector256.FusedMultiplyAdd(Vector256.Load(g + o), Vector256.Load(s + o), a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.Load(g + o + Lanes), Vector256.Load(s + o + Lanes), a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.Load(g + o + 2 * Lanes), Vector256.Load(s + o + 2 * Lanes), a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.Load(g + o + 3 * Lanes), Vector256.Load(s + o + 3 * Lanes), a3);
            }
            for (; q < vectors; q++) a0 = Vector256.FusedMultiplyAdd(Vector256.Load(g + q * Lanes), Vector256.Load(s + q * Lanes), a0);
            float* target = acc + tap * Lanes;
            (Vector256.Load(target) + ((a0 + a1) + (a2 + a3))).Store(target);
        }
    }
    /// <summary>
    /// <see cref="CorrelatePair"/> with Vector512: eight 8-cell output vectors per filter at a time as four 16-cell ones, each
    /// cell's chain over the taps as there; the rest by <see cref="CorrelatePair"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CorrelatePairWide(float* input, float* w0, float* w1, int* offsets, int taps, int vectors, float* out0,
        float* out1)
    {
        int q = CorrelatePairBlocks<Vector512<float>>(input, w0, w1, offsets, taps, vectors, out0, out1);
        if (q < vectors) CorrelatePair(input + q * Lanes, w0, w1, offsets, taps, vectors - q, out0 + q * Lanes, out1 + q * Lanes);
    }

    /// <summary>
    /// The blocks of <see cref="CorrelatePair"/> and <see cref="CorrelatePairWide"/>: four TVec output vectors × two filters,
    /// eight independent FMA chains, while four whole TVecs fit; returns the 8-cell vectors done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CorrelatePairBlocks<TVec>(float* input, float* w0, float* w1, int* offsets, int taps, int vectors, float* out0,
        float* out1) where TVec : struct
    {
        int width = SimdLanes<TVec>.Count, block = 4 * width / Lanes;
        int q = 0;
        for (; q + block <= vectors; q += block)
        {
            TVec a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            float* src = input + q * Lanes;
            for (int tap = 0; tap < taps; tap++)
            {
                TVec u = SimdLanes<TVec>.Broadcast(w0, tap), v = SimdLanes<TVec>.Broadcast(w1, tap);
                float* s = src + offsets[tap];
                TVec x0 = SimdLanes<TVec>.Load(s, 0), x1 = SimdLanes<TVec>.Load(s, width), x2 = SimdLanes<TVec>.Load(s, 2 * width),
                    x3 = SimdLanes<TVec>.Load(s, 3 * width);
                a0 = SimdLanes<TVec>.FusedMultiplyAdd(u, x0, a0); b0 = SimdLanes<TVec>.FusedMultiplyAdd(v, x0, b0);
                a1 = SimdLanes<TVec>.FusedMultiplyAdd(u, x1, a1); b1 = SimdLanes<TVec>.FusedMultiplyAdd(v, x1, b1);
                a2 = SimdLanes<TVec>.FusedMultiplyAdd(u, x2, a2); b2 = SimdLanes<TVec>.FusedMultiplyAdd(v, x2, b2);
                a3 = SimdLanes<TVec>.FusedMultiplyAdd(u, x3, a3); b3 = SimdLanes<TVec>.FusedMultiplyAdd(v, x3, b3);
            }
            int o = q * Lanes;
            SimdLanes<TVec>.Store(a0, out0, o); SimdLanes<TVec>.Store(a1, out0, o + width);
            SimdLanes<TVec>.Store(a2, out0, o + 2 * width); SimdLanes<TVec>.Store(a3, out0, o + 3 * width);
            SimdLanes<TVec>.Store(b0, out1, o); SimdLanes<TVec>.Store(b1, out1, o + width);
            SimdLanes<TVec>.Store(b2, out1, o + 2 * width); SimdLanes<TVec>.Store(b3, out1, o + 3 * width);
        }
        return q;
    }

    /// <summary>
    /// <see cref="WeightGradient"/> with Vector512: its chains a0|a1 and a2|a3 (output vectors q ≡ 0, 1 and 2, 3 mod 4) as the
    /// halves of two 16-lane accumulators, split again before the same final sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradientWide(float* g, float* x, int* offsets, int taps, int vectors, float* acc)
    {
        const int Wide = 2 * Lanes;
        int tap = 0;
        for (; tap + 2 <= taps; tap += 2)
        {
            float* s = x + offsets[tap], r = x + offsets[tap + 1];
            Vector512<float> a01 = default, a23 = default, b01 = default, b23 = default;
            int q = 0;
            for (; q + 4 <= vectors; q += 4)
            {
                int o = q * Lanes;
                Vector512<float> g01 = Vector512.Load(g + o), g23 = Vector512.Load(g + o + Wide);
                a01 = Vector512.FusedMultiplyAdd(g01, Vector512.Load(s + o), a01);
                b01 = Vector512.FusedMultiplyAdd(g01, Vector512.Load(r + o), b01);
                a23 = Vector512.FusedMultiplyAdd(g23, Vector512.Load(s + o + Wide), a23);
                b23 = Vector512.FusedMultiplyAdd(g23, Vector512.Load(r + o + Wide), b23);
            }
            Vector256<float> a0 = a01.GetLower(), b0 = b01.GetLower();
            for (; q < vectors; q++)
            {
                Vector256<float> gq = Vector256.Load(g + q * Lanes);
                a0 = Vector256.FusedMultiplyAdd(gq, Vector256.Load(s + q * Lanes), a0);
                b0 = Vector256.FusedMultiplyAdd(gq, Vector256.Load(r + q * Lanes), b0);
            }
            float* target = acc + tap * Lanes;
            (Vector256.Load(target) + ((a0 + a01.GetUpper()) + (a23.GetLower() + a23.GetUpper()))).Store(target);
            (Vector256.Load(target + Lanes) + ((b0 + b01.GetUpper()) + (b23.GetLower() + b23.GetUpper()))).Store(target + Lanes);
        }
        if (tap < taps)
        {
            float* s = x + offsets[tap];
            Vector512<float> a01 = default, a23 = default;
            int q = 0;
            for (; q + 4 <= vectors; q += 4)
            {
                int o = q * Lanes;
                a01 = Vector512.FusedMultiplyAdd(Vector512.Load(g + o), Vector512.Load(s + o), a01);
                a23 = Vector512.FusedMultiplyAdd(Vector512.Load(g + o + Wide), Vector512.Load(s + o + Wide), a23);
            }
            Vector256<float> a0 = a01.GetLower();
            for (; q < vectors; q++) a0 = Vector256.FusedMultiplyAdd(Vector256.Load(g + q * Lanes), Vector256.Load(s + q * Lanes), a0);
            float* target = acc + tap * Lanes;
            (Vector256.Load(target) + ((a0 + a01.GetUpper()) + (a23.GetLower() + a23.GetUpper()))).Store(target);
        }
    }
}
