using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Max pooling 2×2 / stride 2 (pads only after) of eight planes at once, one plane per lane (<see cref="PlaneLanes"/>), for maps
/// 4 to 8 wide, where <see cref="PoolKernel"/>'s per-plane code goes window by window (its row vectors need eight windows a
/// row). Each lane makes the comparisons of that scalar code (Max as MathF.Max, ties to the first cell in scan order; a border
/// window of one or two cells scans them with >, from −∞), so values and argmax are the same bits.
/// </summary>
public static unsafe class MaxPoolLanes
{
    private const int Lanes = PlaneLanes.Lanes;

    /// <summary>
    /// Input sides the lanes take, as measured: 7² and 4² maps gain; 14² maps did not measurably (their pass is bound by
    /// memory); a 2² map (one window a plane) ran slower, the transposes costing more than the windows they vectorize.
    /// </summary>
    public const int MinWidth = 4, MaxWidth = 8;

    /// <summary>Vectors of scratch <see cref="Planes"/> needs: the input plane's cells, the output's values and argmax.</summary>
    public static int ScratchCells(Window rows, Window cols) => rows.Input * cols.Input + 2 * rows.Output * cols.Output;

    /// <summary>
    /// y and argmax of the eight consecutive planes at x (inPlane floats apart) into y and argmax (outPlane apart);
    /// <paramref name="scratch"/> holds <see cref="ScratchCells"/> vectors.
    /// </summary>
    public static void Planes(float* x, Window rows, Window cols, float* y, int* argmax, float* scratch)
    {
        int w = cols.Input, inPlane = rows.Input * w, outPlane = rows.Output * cols.Output;
        int fullRows = rows.Input / 2, fullCols = w / 2;
        float* cells = scratch, values = scratch + inPlane * Lanes, winners = values + outPlane * Lanes;
        PlaneLanes.Gather(x, inPlane, inPlane, null, cells);
        Vector256<int> one = Vector256<int>.One;
        for (int oy = 0; oy < rows.Output; oy++)
            for (int ox = 0; ox < cols.Output; ox++)
            {
                int o = oy * cols.Output + ox, i0 = 2 * oy * w + 2 * ox;
                Vector256<float> best;
                Vector256<int> index;
                if (oy < fullRows && ox < fullCols)
                {
                    float* c0 = cells + i0 * Lanes, c1 = c0 + w * Lanes;
                    Vector256<float> a = Vector256.Load(c0), b = Vector256.Load(c0 + Lanes), c = Vector256.Load(c1),
                        d = Vector256.Load(c1 + Lanes);
                    Vector256<int> ab = Vector256.GreaterThan(b, a).AsInt32() & one, cd = Vector256.GreaterThan(d, c).AsInt32() & one;
                    Vector256<float> top = Vector256.Max(a, b), bottom = Vector256.Max(c, d);
                    Vector256<int> lower = Vector256.GreaterThan(bottom, top).AsInt32();
                    best = Vector256.Max(top, bottom);
                    // Winner within the window: lower ? w + (d > c) : (b > a), as the scalar i0 + lower·w + ab + lower·(cd − ab).
                    index = Vector256.Create(i0) + Vector256.ConditionalSelect(lower, Vector256.Create(w) + cd, ab);
                }
                else
                {
                    (int y0, int y1) = (2 * oy, Math.Min(2 * oy + 2, rows.Input));
                    (int x0, int x1) = (2 * ox, Math.Min(2 * ox + 2, w));
                    best = Vector256.Create(float.NegativeInfinity);
                    index = Vector256.Create(y0 * w + x0);
                    for (int iy = y0; iy < y1; iy++)
                        for (int ix = x0; ix < x1; ix++)
                        {
                            Vector256<float> v = Vector256.Load(cells + (iy * w + ix) * Lanes), greater = Vector256.GreaterThan(v, best);
                            best = Vector256.ConditionalSelect(greater, v, best);
                            index = Vector256.ConditionalSelect(greater.AsInt32(), Vector256.Create(iy * w + ix), index);
                        }
                }
                best.Store(values + o * Lanes);
                index.AsSingle().Store(winners + o * Lanes);
            }
        PlaneLanes.Scatter(values, null, outPlane, addBias: false, 0f, y, outPlane);
        PlaneLanes.Scatter(winners, null, outPlane, addBias: false, 0f, (float*)argmax, outPlane);
    }

    /// <summary>Whether <see cref="Planes"/> takes these windows on this CPU.</summary>
    public static bool Applies(Window rows, Window cols) =>
        Avx2.IsSupported && cols.Input >= MinWidth && cols.Input <= MaxWidth && rows.Input <= MaxWidth;
}
