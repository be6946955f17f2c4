using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static MlNetFashion.Engine.Kernels.WinogradRows;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// The F(2×2) tile transforms of <see cref="WinogradRows"/> on eight images at once (Vector256, one image per lane), for
/// maps whose tile rows are too short to fill the lanes (a 4² or 2² map has 2 or 1 tiles a row).
/// Planes are interleaved by image: cell k of a plane is the vector at p + 8k, cell (r, c) is k = r·stride + c.
/// Transformed values are kept per ξ, tile-major: s[(ξ·T + tile)·8 + lane] (T tiles an image); <see cref="ToColumns"/>
/// and <see cref="FromColumns"/> move them to and from the GEMMs' layout, column = image·T + tile.
/// Each lane gets the adds and subtractions of <see cref="WinogradRows"/> on its image in the same order, so the results
/// are the same bits.
/// </summary>
public static unsafe class WinogradImageLanes
{
    public const int Lanes = PlaneLanes.Lanes;

    /// <summary>
    /// dst[l·tiles + p] = s[p·8 + l] for p &lt; tiles, l &lt; 8: one ξ's values of eight images, tile-major, into the
    /// 8·tiles consecutive columns of those images.
    /// </summary>
    public static void ToColumns(float* s, int tiles, float* dst) => Transpose(s, tiles, dst, toColumns: true);

    /// <summary>s[p·8 + l] = src[l·tiles + p]: the inverse of <see cref="ToColumns"/>.</summary>
    public static void FromColumns(float* src, int tiles, float* s) => Transpose(src, tiles, s, toColumns: false);

    /// <summary>
    /// Both directions between the tile side (vector p = tile p of images 0…7) and the column side (image l's tiles at
    /// l·tiles). <see cref="ExchangeHalves"/> and <see cref="TransposeQuads"/> are their own inverses and the even/odd
    /// shuffle undoes the unpack, so <see cref="FromColumns"/> runs <see cref="ToColumns"/>'s steps in reverse order.
    /// <paramref name="toColumns"/> is a constant at both callers, so each is compiled with its own steps only.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(float* src, int tiles, float* dst, bool toColumns)
    {
        switch (tiles)
        {
            case 1:
                Avx.Store(dst, L(src));
                return;
            case 2:
            {
                // Tile side: a, b = tiles 0, 1. The unpack interleaves them: (images 0, 1 | 4, 5) and (2, 3 | 6, 7), each
                // (tile 0, tile 1); ExchangeHalves then gives the column side: a = images 0…3, b = images 4…7.
                Vector256<float> a = L(src), b = L(src + Lanes);
                if (toColumns) (a, b) = (Avx.UnpackLow(a, b), Avx.UnpackHigh(a, b));
                (a, b) = ExchangeHalves(a, b);
                if (!toColumns) (a, b) = (Avx.Shuffle(a, b, 0x88), Avx.Shuffle(a, b, 0xDD));
                Avx.Store(dst, a);
                Avx.Store(dst + Lanes, b);
                return;
            }
            case 4:
            {
                // Tile side: v0, v1, v2, v3 = tiles 0…3. TransposeQuads makes them images (0 | 4), (1 | 5), (2 | 6), (3 | 7),
                // four tiles each; ExchangeHalves of (v0, v1) and (v2, v3) gives the column side: v0, v2, v1, v3 = images
                // (0, 1), (2, 3), (4, 5), (6, 7).
                int second = toColumns ? 1 : 2, third = 3 - second;
                Vector256<float> v0 = L(src), v1 = L(src + second * Lanes), v2 = L(src + third * Lanes), v3 = L(src + 3 * Lanes);
                if (toColumns) TransposeQuads(ref v0, ref v1, ref v2, ref v3);
                (v0, v1) = ExchangeHalves(v0, v1);
                (v2, v3) = ExchangeHalves(v2, v3);
                if (!toColumns) TransposeQuads(ref v0, ref v1, ref v2, ref v3);
                Avx.Store(dst, v0);
                Avx.Store(dst + third * Lanes, v1);
                Avx.Store(dst + second * Lanes, v2);
                Avx.Store(dst + 3 * Lanes, v3);
                return;
            }
            default:
                if (toColumns) PlaneLanes.Scatter(src, null, tiles, addBias: false, 0f, dst, tiles);
                else PlaneLanes.Gather(src, tiles, tiles, null, dst);
                return;
        }
    }

    /// <summary>(a, b) → (a's lower 128-bit half : b's lower, a's upper : b's upper); applied twice, the identity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>) ExchangeHalves(Vector256<float> a, Vector256<float> b) =>
        (Avx.Permute2x128(a, b, 0x20), Avx.Permute2x128(a, b, 0x31));

    /// <summary>
    /// Within each 128-bit half, the 4×4 transpose of (v0, v1, v2, v3): lane j of vector i ↔ lane i of vector j;
    /// applied twice, the identity.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeQuads(ref Vector256<float> v0, ref Vector256<float> v1, ref Vector256<float> v2, ref Vector256<float> v3)
    {
        Vector256<float> u0 = Avx.UnpackLow(v0, v1), u1 = Avx.UnpackHigh(v0, v1), u2 = Avx.UnpackLow(v2, v3), u3 = Avx.UnpackHigh(v2, v3);
        (v0, v1, v2, v3) = (Avx.Shuffle(u0, u2, 0x44), Avx.Shuffle(u0, u2, 0xEE), Avx.Shuffle(u1, u3, 0x44), Avx.Shuffle(u1, u3, 0xEE));
    }

    /// <summary>
    /// V = Bᵀ d B of every tile of a padded plane (<paramref name="stride"/> cells a row; tile (ty, tx) starts at cell
    /// (2ty, 2tx)), into s[(ξ·T + ty·Tx + tx)·8 + lane]: <see cref="WinogradRows.Input"/>'s operations.
    /// </summary>
    public static void Input(float* cells, int stride, int tilesY, int tilesX, float* s)
    {
        int xiStep = tilesY * tilesX * Lanes, row = stride * Lanes;
        for (int ty = 0; ty < tilesY; ty++)
            for (int tx = 0; tx < tilesX; tx++)
            {
                float* a = cells + (2 * ty * stride + 2 * tx) * Lanes, b = a + row, c = b + row, d = c + row;
                float* dst = s + (ty * tilesX + tx) * Lanes;
                Column(L(a), L(b), L(c), L(d), out var e0t0, out var e0t1, out var e0t2, out var e0t3);
                Column(L(a + 8), L(b + 8), L(c + 8), L(d + 8), out var o0t0, out var o0t1, out var o0t2, out var o0t3);
                Column(L(a + 16), L(b + 16), L(c + 16), L(d + 16), out var e1t0, out var e1t1, out var e1t2, out var e1t3);
                Column(L(a + 24), L(b + 24), L(c + 24), L(d + 24), out var o1t0, out var o1t1, out var o1t2, out var o1t3);
                Row(e0t0, o0t0, e1t0, o1t0, dst, xiStep);
                Row(e0t1, o0t1, e1t1, o1t1, dst + 4 * xiStep, xiStep);
                Row(e0t2, o0t2, e1t2, o1t2, dst + 8 * xiStep, xiStep);
                Row(e0t3, o0t3, e1t3, o1t3, dst + 12 * xiStep, xiStep);
            }
    }

    /// <summary>
    /// dd = B dV Bᵀ of every tile (dV from s, tile-major as <see cref="Input"/> writes V), added into the padded plane.
    /// </summary>
    /// <remarks>
    /// Each cell takes its terms in <see cref="WinogradRows.InputAdjointAdd"/>'s order: tile rows top to bottom, and
    /// within one the cell's own tile (E[k] += a_k; O[k] += b_k, −= c_k, += d_k) before the tile to its left
    /// (E[k] −= a_(k−1), += b_(k−1), += c_(k−1); O[k] −= d_(k−1)), a … d being columns 0 … 3 of w = B dV. Tiles right
    /// to left give that order. The vector routine's extra ± 0 terms (lanes past a row's last tile) change nothing, as
    /// its remarks say, so they are left out.
    /// </remarks>
    public static void InputAdjointAdd(float* s, int tilesY, int tilesX, float* cells, int stride)
    {
        int xiStep = tilesY * tilesX * Lanes, row = stride * Lanes;
        for (int ty = 0; ty < tilesY; ty++)
            for (int tx = tilesX - 1; tx >= 0; tx--)
            {
                float* src = s + (ty * tilesX + tx) * Lanes, e = cells + (2 * ty * stride + 2 * tx) * Lanes;
                Column(src, xiStep, 0, out var a0, out var a1, out var a2, out var a3);
                Column(src, xiStep, 1, out var b0, out var b1, out var b2, out var b3);
                Column(src, xiStep, 2, out var c0, out var c1, out var c2, out var c3);
                Column(src, xiStep, 3, out var d0, out var d1, out var d2, out var d3);
                AddRow(e, a0, b0, c0, d0);
                AddRow(e + row, a1, b1, c1, d1);
                AddRow(e + 2 * row, a2, b2, c2, d2);
                AddRow(e + 3 * row, a3, b3, c3, d3);
            }

        // Column j of w = B dV: (dV0, dV1 − dV2 + dV3, dV1 + dV2 − dV0, −dV3).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Column(float* src, int xiStep, int j, out Vector256<float> w0, out Vector256<float> w1, out Vector256<float> w2,
            out Vector256<float> w3)
        {
            var v0 = L(src + j * xiStep);
            var v1 = L(src + (4 + j) * xiStep);
            var v2 = L(src + (8 + j) * xiStep);
            var v3 = L(src + (12 + j) * xiStep);
            (w0, w1, w2, w3) = (v0, v1 - v2 + v3, v1 + v2 - v0, -v3);
        }

        // One tile's row (a, b, c, d) into its four cells and the two it shares with the tile to its right.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void AddRow(float* e, Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
        {
            (L(e) + a).Store(e);
            (L(e + 8) + b - c + d).Store(e + 8);
            (L(e + 16) - a + b + c).Store(e + 16);
            (L(e + 24) - d).Store(e + 24);
        }
    }

    /// <summary>
    /// Y = Aᵀ M A of every tile (M from s, tile-major), into an output plane of <paramref name="stride"/> cells a row
    /// (tile (ty, tx) at cell (2ty, 2tx)): <see cref="WinogradRows.Output"/>'s operations.
    /// </summary>
    public static void Output(float* s, int tilesY, int tilesX, float* cells, int stride)
    {
        int xiStep = tilesY * tilesX * Lanes, row = stride * Lanes;
        for (int ty = 0; ty < tilesY; ty++)
            for (int tx = 0; tx < tilesX; tx++)
            {
                float* src = s + (ty * tilesX + tx) * Lanes, y = cells + (2 * ty * stride + 2 * tx) * Lanes;
                LeftProduct(src, xiStep, out var q00, out var q01, out var q02, out var q03, out var q10, out var q11, out var q12,
                    out var q13);
                (q00 + q01 + q02).Store(y);
                (q01 - q02 - q03).Store(y + 8);
                (q10 + q11 + q12).Store(y + row);
                (q11 - q12 - q13).Store(y + row + 8);
            }
    }

    /// <summary>
    /// dM = A dY Aᵀ of every tile of an output-gradient plane (as <see cref="Output"/> writes Y), into s, tile-major:
    /// <see cref="WinogradRows.OutputAdjoint"/>'s operations.
    /// </summary>
    public static void OutputAdjoint(float* cells, int stride, int tilesY, int tilesX, float* s)
    {
        int xiStep = tilesY * tilesX * Lanes, row = stride * Lanes;
        for (int ty = 0; ty < tilesY; ty++)
            for (int tx = 0; tx < tilesX; tx++)
            {
                float* y = cells + (2 * ty * stride + 2 * tx) * Lanes, dst = s + (ty * tilesX + tx) * Lanes;
                Vector256<float> e0 = L(y), o0 = L(y + 8), e1 = L(y + row), o1 = L(y + row + 8);
                GradientRow(e0, o0, dst, xiStep);
                GradientRow(e0 + e1, o0 + o1, dst + 4 * xiStep, xiStep);
                GradientRow(e0 - e1, o0 - o1, dst + 8 * xiStep, xiStep);
                GradientRow(-e1, -o1, dst + 12 * xiStep, xiStep);
            }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void GradientRow(Vector256<float> pe, Vector256<float> po, float* dst, int xiStep)
        {
            pe.Store(dst);
            (pe + po).Store(dst + xiStep);
            (pe - po).Store(dst + 2 * xiStep);
            (-po).Store(dst + 3 * xiStep);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> L(float* p) => Vector256.Load(p);
}
