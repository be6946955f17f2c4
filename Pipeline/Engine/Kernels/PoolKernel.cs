using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// 2-D max and average pooling over x [N·C planes, H, W] → y [N·C, Ho, Wo]. Padded cells never win a max and are not
/// counted in an average (ONNX count_include_pad = 0, PyTorch ceil_mode, Keras 'same').
/// Max keeps the winning input index per output cell for the backward pass.
/// </summary>
public static unsafe partial class PoolKernel
{
    /// <summary>y = max over the window; argmax[o] = flat input index (within its plane) of the winner.</summary>
    public static void MaxForward(ReadOnlySpan<float> x, int planes, Window rows, Window cols, Span<float> y, Span<int> argmax)
    {
        fixed (float* px = x) fixed (float* py = y) fixed (int* pa = argmax)
            Parallelism.For(planes, new MaxBody(px, py, pa, rows, cols));
    }

    /// <summary>dx[argmax[o]] += dy[o] (dx cleared first).</summary>
    public static void MaxBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, int planes, Window rows, Window cols, Span<float> dx)
    {
        fixed (float* pdy = dy) fixed (float* pdx = dx) fixed (int* pa = argmax)
            Parallelism.For(planes, new MaxBackBody(pdy, pdx, pa, rows, cols));
    }

    /// <summary>y = mean of the window's cells that lie inside the input.</summary>
    public static void AverageForward(ReadOnlySpan<float> x, int planes, Window rows, Window cols, Span<float> y)
    {
        fixed (float* px = x) fixed (float* py = y)
            Parallelism.For(planes, new AverageBody(px, py, rows, cols, backward: false));
    }

    /// <summary>dx[cell] += dy[o] / count(o) for every cell of window o.</summary>
    public static void AverageBackward(ReadOnlySpan<float> dy, int planes, Window rows, Window cols, Span<float> dx)
    {
        fixed (float* pdy = dy) fixed (float* pdx = dx)
            Parallelism.For(planes, new AverageBody(pdx, pdy, rows, cols, backward: true));
    }

    private static (int Start, int End) Span1(Window w, int o)
    {
        int start = o * w.Stride - w.PadBefore;
        return (Math.Max(start, 0), Math.Min(start + w.Kernel, w.Input));
    }

    private readonly struct MaxBody(float* x, float* y, int* argmax, Window rows, Window cols) : IParallelRange
    {
        private void TwoByTwo(int start, int end, int inPlane, int outPlane)
            => TwoByTwoPlanes(x, y, argmax, rows, cols, start, end, inPlane, outPlane);

        public void Execute(int start, int end)
        {
            int inPlane = rows.Input * cols.Input, outPlane = rows.Output * cols.Output;
            if (rows.Kernel == 2 && cols.Kernel == 2 && rows.Stride == 2 && cols.Stride == 2 && rows.PadBefore == 0 && cols.PadBefore == 0)
            {
                if (MaxPoolLanes.Applies(rows, cols))
                {
                    // Eight planes per pass; the planes past the last group of eight take the per-plane code.
                    float* scratch = stackalloc float[MaxPoolLanes.ScratchCells(rows, cols) * PlaneLanes.Lanes];
                    for (; start + PlaneLanes.Lanes <= end; start += PlaneLanes.Lanes)
                        MaxPoolLanes.Planes(x + (long)start * inPlane, rows, cols, y + (long)start * outPlane,
                            argmax + (long)start * outPlane, scratch);
                }
                TwoByTwo(start, end, inPlane, outPlane);
                return;
            }
            for (int p = start; p < end; p++)
                GeneralMax(x + (long)p * inPlane, y + (long)p * outPlane, argmax + (long)p * outPlane, rows, cols, 0, rows.Output, 0,
                    cols.Output);
        }
    }

    /// <summary>
    /// The common 2×2 / stride 2 window (pads only after): interior windows branch-free (random data makes the
    /// comparisons unpredictable, so branches would mispredict half the time), border windows through the general code.
    /// Ties go to the first cell in scan order (r0c0, r0c1, r1c0, r1c1), as PyTorch.
    /// </summary>
    private static void TwoByTwoPlanes(float* x, float* y, int* argmax, Window rows, Window cols, int start, int end, int inPlane,
        int outPlane)
    {
        int w = cols.Input, fullRows = rows.Input / 2, fullCols = cols.Input / 2;
        for (int p = start; p < end; p++)
        {
            float* src = x + (long)p * inPlane;
            float* dst = y + (long)p * outPlane;
            int* arg = argmax + (long)p * outPlane;
            for (int oy = 0; oy < fullRows; oy++)
            {
                float* r0 = src + 2 * oy * w;
                float* r1 = r0 + w;
                int o = oy * cols.Output, i0 = 2 * oy * w;
                if (Avx2.IsSupported && fullCols >= 8) TwoByTwoRow(r0, r1, dst + o, arg + o, fullCols, w, i0);
                // Rows of 4–7 windows (8²–15² maps) whose 16-float reads stay inside the plane.
                else if (Avx2.IsSupported && fullCols >= 4 && (2 * oy + 1) * w + 16 <= inPlane)
                    TwoByTwoRowNarrow(r0, r1, dst + o, arg + o, fullCols, w, i0);
                else TwoByTwoRowScalar(r0, r1, dst + o, arg + o, fullCols, w, i0);
            }
            // The last column / row when the input is odd (Keras 'same', ceil_mode): windows of 1 or 2 cells.
            if (fullCols < cols.Output) GeneralMax(src, dst, arg, rows, cols, 0, fullRows, fullCols, cols.Output);
            if (fullRows < rows.Output) GeneralMax(src, dst, arg, rows, cols, fullRows, rows.Output, 0, cols.Output);
        }
    }

    /// <summary>
    /// One output row of the scalar loop above, eight windows per step with the same comparisons (so the same winner
    /// and ties): a and b are the even and odd cells of the top row, c and d of the bottom one. A row whose window
    /// count is not a multiple of 8 ends with a step that overlaps the previous one (it writes the same values).
    /// </summary>
    private static void TwoByTwoRow(float* r0, float* r1, float* dst, int* arg, int fullCols, int w, int i0)
    {
        Vector256<int> lanes = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14), one = Vector256<int>.One, width = Vector256.Create(w);
        for (int ox = 0; ; ox += 8)
        {
            ox = Math.Min(ox, fullCols - 8);
            (Vector256<float> a, Vector256<float> b) = Deinterleave(r0 + 2 * ox);
            (Vector256<float> c, Vector256<float> d) = Deinterleave(r1 + 2 * ox);
            Vector256<float> ab = Vector256.GreaterThan(b, a), cd = Vector256.GreaterThan(d, c);
            Vector256<float> top = Vector256.ConditionalSelect(ab, b, a), bottom = Vector256.ConditionalSelect(cd, d, c);
            Vector256<float> lower = Vector256.GreaterThan(bottom, top);
            Vector256.ConditionalSelect(lower, bottom, top).Store(dst + ox);
            // Winner offset within the window: lower ? w + (d > c) : (b > a).
            Vector256<int> offset = Vector256.ConditionalSelect(lower.AsInt32(), width + (cd.AsInt32() & one), ab.AsInt32() & one);
            (Vector256.Create(i0 + 2 * ox) + lanes + offset).Store(arg + ox);
            if (ox == fullCols - 8) return;
        }
    }

    /// <summary>
    /// One output row of 2×2 windows, one at a time: the winner of (a, b) and of (c, d) by MathF.Max, then of the two;
    /// the index from the same comparisons (ties to the first cell in scan order).
    /// </summary>
    internal static void TwoByTwoRowScalar(float* r0, float* r1, float* dst, int* arg, int fullCols, int w, int i0)
    {
        for (int ox = 0; ox < fullCols; ox++)
        {
            float a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], d = r1[2 * ox + 1];
            int ab = b > a ? 1 : 0, cd = d > c ? 1 : 0;
            float top = MathF.Max(a, b), bottom = MathF.Max(c, d);
            int lower = bottom > top ? 1 : 0;
            dst[ox] = MathF.Max(top, bottom);
            arg[ox] = i0 + 2 * ox + lower * w + ab + lower * (cd - ab);
        }
    }

    /// <summary>
    /// <see cref="TwoByTwoRowScalar"/> for a row of 4–7 windows as one step of eight (Vector256.Max is MathF.Max lane by
    /// lane): reads 16 floats of each input row (the caller keeps them inside the plane), stores the row's windows only.
    /// </summary>
    internal static void TwoByTwoRowNarrow(float* r0, float* r1, float* dst, int* arg, int fullCols, int w, int i0)
    {
        Vector256<int> lanes = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14), one = Vector256<int>.One;
        (Vector256<float> a, Vector256<float> b) = Deinterleave(r0);
        (Vector256<float> c, Vector256<float> d) = Deinterleave(r1);
        Vector256<int> ab = Vector256.GreaterThan(b, a).AsInt32(), cd = Vector256.GreaterThan(d, c).AsInt32();
        Vector256<float> top = Vector256.Max(a, b), bottom = Vector256.Max(c, d);
        Vector256<int> lower = Vector256.GreaterThan(bottom, top).AsInt32();
        Vector256<int> offset = Vector256.ConditionalSelect(lower, Vector256.Create(w) + (cd & one), ab & one);
        Vector256<int> store = Vector256.LessThan(lanes, Vector256.Create(2 * fullCols));
        Avx.MaskStore(dst, store.AsSingle(), Vector256.Max(top, bottom));
        Avx2.MaskStore(arg, store, Vector256.Create(i0) + lanes + offset);
    }

    /// <summary>Sixteen floats at p → (p[0], p[2], …, p[14]) and (p[1], p[3], …, p[15]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Even, Vector256<float> Odd) Deinterleave(float* p)
    {
        Vector256<float> lo = Vector256.Load(p), hi = Vector256.Load(p + 8);
        // Shuffle works per 128-bit lane: [lo0 lo2 hi0 hi2 | lo4 lo6 hi4 hi6]; the permute puts the pairs in order.
        Vector256<float> even = Avx.Shuffle(lo, hi, 0b10_00_10_00), odd = Avx.Shuffle(lo, hi, 0b11_01_11_01);
        return (Avx2.Permute4x64(even.AsDouble(), 0b11_01_10_00).AsSingle(), Avx2.Permute4x64(odd.AsDouble(), 0b11_01_10_00).AsSingle());
    }

    /// <summary>Max over the windows oy ∈ [oy0, oy1), ox ∈ [ox0, ox1) of one plane (cells outside the input never win).</summary>
    private static void GeneralMax(float* src, float* dst, int* arg, Window rows, Window cols, int oy0, int oy1, int ox0, int ox1)
    {
        for (int oy = oy0; oy < oy1; oy++)
        {
            (int y0, int y1) = Span1(rows, oy);
            for (int ox = ox0; ox < ox1; ox++)
            {
                (int x0, int x1) = Span1(cols, ox);
                float best = float.NegativeInfinity;
                int bestIndex = y0 * cols.Input + x0;
                for (int iy = y0; iy < y1; iy++)
                    for (int ix = x0; ix < x1; ix++)
                    {
                        float v = src[iy * cols.Input + ix];
                        if (v > best) { best = v; bestIndex = iy * cols.Input + ix; }
                    }
                dst[oy * cols.Output + ox] = best;
                arg[oy * cols.Output + ox] = bestIndex;
            }
        }
    }

    private readonly struct MaxBackBody(float* dy, float* dx, int* argmax, Window rows, Window cols) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            int inPlane = rows.Input * cols.Input, outPlane = rows.Output * cols.Output;
            bool byRows = Avx2.IsSupported && Tiles(rows) && Tiles(cols) && cols.Output >= 4;
            for (int p = start; p < end; p++)
            {
                float* dst = dx + (long)p * inPlane;
                long o0 = (long)p * outPlane;
                if (byRows)
                {
                    for (int oy = 0; oy < rows.Output; oy++)
                    {
                        long o = o0 + oy * cols.Output;
                        TwoByTwoBackwardRow(dy + o, argmax + o, dst, cols.Output, cols.Input, 2 * oy * cols.Input);
                    }
                    continue;
                }
                new Span<float>(dst, inPlane).Clear();
                for (int o = 0; o < outPlane; o++) dst[argmax[o0 + o]] += dy[o0 + o];
            }
        }

        /// <summary>2×2 windows, stride 2, covering the input exactly (every cell in one window).</summary>
        private static bool Tiles(Window w) => w.Kernel == 2 && w.Stride == 2 && w.PadBefore == 0 && w.Input == 2 * w.Output;
    }

    /// <summary>
    /// The scatter above (dx cleared, then dx[argmax] += dy) for one row of 2×2 windows that tile the input, whose top
    /// input row starts at plane cell i0: each of the two input rows written once, 0 + dy at the winner and +0 elsewhere,
    /// eight windows a step (a row whose window count is not a multiple of 8 ends with a step that overlaps the previous
    /// one, writing the same values; a row of 4–7 windows is one step whose stores stop at the row's end).
    /// </summary>
    internal static void TwoByTwoBackwardRow(float* dy, int* arg, float* plane, int windows, int w, int i0)
    {
        Vector256<int> lanes = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14), one = Vector256<int>.One, width = Vector256.Create(w);
        float* r0 = plane + i0;
        if (windows < 8)
        {
            // Masked loads and stores: nothing past the row's windows and cells is read or written.
            Vector256<float> g = Vector256<float>.Zero + MaskedLoad(dy, windows), zero = Vector256<float>.Zero;
            Vector256<int> a = MaskedLoad(arg, windows), cell = Vector256.Create(i0) + lanes;
            Vector256<int> store = Vector256.LessThan(Vector256.Create(8, 9, 10, 11, 12, 13, 14, 15), Vector256.Create(2 * windows));
            InterleaveNarrow(Vector256.ConditionalSelect(Vector256.Equals(a, cell).AsSingle(), g, zero),
                Vector256.ConditionalSelect(Vector256.Equals(a, cell + one).AsSingle(), g, zero), r0, store);
            InterleaveNarrow(Vector256.ConditionalSelect(Vector256.Equals(a, cell + width).AsSingle(), g, zero),
                Vector256.ConditionalSelect(Vector256.Equals(a, cell + width + one).AsSingle(), g, zero), r0 + w, store);
            return;
        }
        for (int ox = 0; ; ox += 8)
        {
            ox = Math.Min(ox, windows - 8);
            Vector256<float> g = Vector256<float>.Zero + Vector256.Load(dy + ox), zero = Vector256<float>.Zero;
            Vector256<int> a = Vector256.Load(arg + ox), cell = Vector256.Create(i0 + 2 * ox) + lanes;
            Vector256<float> e0 = Vector256.ConditionalSelect(Vector256.Equals(a, cell).AsSingle(), g, zero);
            Vector256<float> o0 = Vector256.ConditionalSelect(Vector256.Equals(a, cell + one).AsSingle(), g, zero);
            Vector256<float> e1 = Vector256.ConditionalSelect(Vector256.Equals(a, cell + width).AsSingle(), g, zero);
            Vector256<float> o1 = Vector256.ConditionalSelect(Vector256.Equals(a, cell + width + one).AsSingle(), g, zero);
            Interleave(e0, o0, r0 + 2 * ox);
            Interleave(e1, o1, r0 + w + 2 * ox);
            if (ox == windows - 8) return;
        }
    }

    /// <summary>The first <paramref name="count"/> of eight floats at p (the rest 0), without reading past them.</summary>
    private static Vector256<float> MaskedLoad(float* p, int count) =>
        Avx.MaskLoad(p, Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle());

    /// <inheritdoc cref="MaskedLoad(float*, int)"/>
    private static Vector256<int> MaskedLoad(int* p, int count) =>
        Avx2.MaskLoad(p, Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)));

    /// <summary><see cref="Interleave"/>, the second eight floats stored only where <paramref name="store"/> is set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InterleaveNarrow(Vector256<float> even, Vector256<float> odd, float* p, Vector256<int> store)
    {
        Vector256<float> low = Avx.UnpackLow(even, odd), high = Avx.UnpackHigh(even, odd);
        Avx.Permute2x128(low, high, 0x20).Store(p);
        Avx.MaskStore(p + 8, store.AsSingle(), Avx.Permute2x128(low, high, 0x31));
    }

    /// <summary>(e0 … e7), (o0 … o7) → e0 o0 e1 o1 … e7 o7 at p (16 floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Interleave(Vector256<float> even, Vector256<float> odd, float* p)
    {
        // Unpack works per 128-bit lane: [e0 o0 e1 o1 | e4 o4 e5 o5] and [e2 o2 e3 o3 | e6 o6 e7 o7].
        Vector256<float> low = Avx.UnpackLow(even, odd), high = Avx.UnpackHigh(even, odd);
        Avx.Permute2x128(low, high, 0x20).Store(p);
        Avx.Permute2x128(low, high, 0x31).Store(p + 8);
    }

    /// <summary>Forward: a = x, b = y. Backward: a = dx, b = dy.</summary>
    private readonly struct AverageBody(float* a, float* b, Window rows, Window cols, bool backward) : IParallelRange
    {
        public void Execute(int start, int end)
        {
            int inPlane = rows.Input * cols.Input, outPlane = rows.Output * cols.Output;
            for (int p = start; p < end; p++)
            {
                float* plane = a + (long)p * inPlane;
                if (backward) new Span<float>(plane, inPlane).Clear();
                for (int oy = 0; oy < rows.Output; oy++)
                {
                    (int y0, int y1) = Span1(rows, oy);
                    for (int ox = 0; ox < cols.Output; ox++)
                    {
                        (int x0, int x1) = Span1(cols, ox);
                        float inverse = 1f / ((y1 - y0) * (x1 - x0));
                        long o = (long)p * outPlane + oy * cols.Output + ox;
                        if (backward)
                        {
                            float g = b[o] * inverse;
                            for (int iy = y0; iy < y1; iy++)
                                for (int ix = x0; ix < x1; ix++) plane[iy * cols.Input + ix] += g;
                        }
                        else
                        {
                            float sum = 0;
                            for (int iy = y0; iy < y1; iy++)
                                for (int ix = x0; ix < x1; ix++) sum += plane[iy * cols.Input + ix];
                            b[o] = sum * inverse;
                        }
                    }
                }
            }
        }
    }
}
