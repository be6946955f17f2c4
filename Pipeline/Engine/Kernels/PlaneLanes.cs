using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Eight planes to and from image-interleaved cells (cell k of the eight planes is the vector at cells + 8k, one plane
/// per lane), by 8×8 transposes: kernels on maps too small to fill a vector along a row work on eight planes at once
/// (<see cref="WinogradImageLanes"/>, <see cref="MaxPoolLanes"/>). Values are moved, never computed on, so integers
/// travel bit for bit in float vectors.
/// </summary>
public static unsafe class PlaneLanes
{
    public const int Lanes = 8;

    /// <summary>
    /// cells[cellOf[k]·8 + l] = planes[l·planeStride + k] for k &lt; count, l &lt; 8: eight planes (one channel of eight images, or
    /// eight consecutive planes) into interleaved cells (cellOf null: cell k). Reads nothing past a plane's count floats.
    /// </summary>
    public static void Gather(float* planes, long planeStride, int count, int* cellOf, float* cells)
    {
        var rows = stackalloc Vector256<float>[Lanes];
        for (int k0 = 0; k0 < count; k0 += Lanes)
        {
            int valid = Math.Min(Lanes, count - k0);
            var mask = TailMask(valid);
            for (int l = 0; l < Lanes; l++)
            {
                float* row = planes + l * planeStride + k0;
                rows[l] = valid == Lanes ? Avx.LoadVector256(row) : Avx.MaskLoad(row, mask);
            }
            Transpose(rows);
            for (int k = 0; k < valid; k++) Avx.Store(cells + Cell(cellOf, k0 + k) * Lanes, rows[k]);
        }
    }

    /// <summary>
    /// planes[l·planeStride + k] = cells[cellOf[k]·8 + l] (+ bias when <paramref name="addBias"/>) for k &lt; count: the
    /// inverse of <see cref="Gather"/>. Writes nothing past a plane's count floats.
    /// </summary>
    public static void Scatter(float* cells, int* cellOf, int count, bool addBias, float bias, float* planes, long planeStride)
    {
        var rows = stackalloc Vector256<float>[Lanes];
        var b = Vector256.Create(bias);
        for (int k0 = 0; k0 < count; k0 += Lanes)
        {
            int valid = Math.Min(Lanes, count - k0);
            for (int k = 0; k < Lanes; k++)
            {
                var cell = k < valid ? Avx.LoadVector256(cells + Cell(cellOf, k0 + k) * Lanes) : Vector256<float>.Zero;
                rows[k] = addBias ? cell + b : cell;
            }
            Transpose(rows);
            var mask = TailMask(valid);
            for (int l = 0; l < Lanes; l++)
            {
                if (valid == Lanes) Avx.Store(planes + l * planeStride + k0, rows[l]);
                else Avx.MaskStore(planes + l * planeStride + k0, mask, rows[l]);
            }
        }
    }

    /// <summary>
    /// In-place 8×8 transpose of rows[0 … 7]: unpack pairs of rows, shuffle pairs of pairs, then join the 128-bit halves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose(Vector256<float>* rows)
    {
        Vector256<float> t0 = Avx.UnpackLow(rows[0], rows[1]), t1 = Avx.UnpackHigh(rows[0], rows[1]);
        Vector256<float> t2 = Avx.UnpackLow(rows[2], rows[3]), t3 = Avx.UnpackHigh(rows[2], rows[3]);
        Vector256<float> t4 = Avx.UnpackLow(rows[4], rows[5]), t5 = Avx.UnpackHigh(rows[4], rows[5]);
        Vector256<float> t6 = Avx.UnpackLow(rows[6], rows[7]), t7 = Avx.UnpackHigh(rows[6], rows[7]);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        rows[0] = Avx.Permute2x128(u0, u4, 0x20);
        rows[1] = Avx.Permute2x128(u1, u5, 0x20);
        rows[2] = Avx.Permute2x128(u2, u6, 0x20);
        rows[3] = Avx.Permute2x128(u3, u7, 0x20);
        rows[4] = Avx.Permute2x128(u0, u4, 0x31);
        rows[5] = Avx.Permute2x128(u1, u5, 0x31);
        rows[6] = Avx.Permute2x128(u2, u6, 0x31);
        rows[7] = Avx.Permute2x128(u3, u7, 0x31);
    }

    /// <summary>Cell of value k: cellOf[k], or k itself without a table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Cell(int* cellOf, int k) => cellOf == null ? k : cellOf[k];

    /// <summary>All ones in the first <paramref name="valid"/> lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> TailMask(int valid)
        => Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(valid)).AsSingle();
}
