namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Winograd's F(4×4, 3×3) (Lavin &amp; Gray, 2015; interpolation points 0, ±1, ±2, ∞): a 4×4 output tile of a 3×3
/// correlation of the 6×6 input tile d with the kernel g is Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A — 36 multiplications per
/// tile and channel instead of 144 (4× fewer; F(2×2, 3×3) saves 2.25×). The backward passes are the adjoints:
/// dM = A dY Aᵀ, dd = B dV Bᵀ, dg = Gᵀ dU G. The 36 transformed values of a tile are ξ = 6·i + j.
/// Here: the three matrices, the kernel transform and its adjoint (once per weight and step), and plain per-tile
/// versions of the tile transforms — the reference twins of <see cref="Winograd4x4Lanes"/>.
/// </summary>
public static unsafe class Winograd4x4Transforms
{
    public const int Xi = 36;

    /// <summary>Bᵀ, 6×6 row-major.</summary>
    public static ReadOnlySpan<float> BT =>
    [
        4, 0, -5, 0, 1, 0,
        0, -4, -4, 1, 1, 0,
        0, 4, -4, -1, 1, 0,
        0, -2, -1, 2, 1, 0,
        0, 2, -1, -2, 1, 0,
        0, 4, 0, -5, 0, 1,
    ];

    /// <summary>G, 6×3 row-major.</summary>
    public static ReadOnlySpan<float> G =>
    [
        1f / 4, 0, 0,
        -1f / 6, -1f / 6, -1f / 6,
        -1f / 6, 1f / 6, -1f / 6,
        1f / 24, 1f / 12, 1f / 6,
        1f / 24, -1f / 12, 1f / 6,
        0, 0, 1,
    ];

    /// <summary>Aᵀ, 4×6 row-major.</summary>
    public static ReadOnlySpan<float> AT =>
    [
        1, 1, 1, 1, 1, 0,
        0, 1, -1, 2, -2, 0,
        0, 1, 1, 4, 4, 0,
        0, 1, -1, 8, -8, 1,
    ];

    /// <summary>U = G g Gᵀ for one 3×3 kernel g (row-major), into u[ξ·xiStride].</summary>
    public static void Kernel(float* g, float* u, int xiStride)
    {
        Span<float> transformed = stackalloc float[36];
        Sandwich(G, 6, 3, new ReadOnlySpan<float>(g, 9), transformed, adjoint: false);
        for (int xi = 0; xi < 36; xi++) u[xi * xiStride] = transformed[xi];
    }

    /// <summary>dg (3×3, row-major) = Gᵀ dU G, the adjoint of <see cref="Kernel"/>, from du[ξ·xiStride].</summary>
    public static void KernelAdjoint(float* du, int xiStride, float* dg)
    {
        Span<float> d = stackalloc float[36];
        for (int xi = 0; xi < 36; xi++) d[xi] = du[xi * xiStride];
        Sandwich(G, 6, 3, d, new Span<float>(dg, 9), adjoint: true);
    }

    /// <summary>V = Bᵀ d B (6×6 → 6×6, row-major tiles).</summary>
    public static void Input(ReadOnlySpan<float> d, Span<float> v) => Sandwich(BT, 6, 6, d, v, adjoint: false);

    /// <summary>Y = Aᵀ M A (6×6 → 4×4).</summary>
    public static void Output(ReadOnlySpan<float> m, Span<float> y) => Sandwich(AT, 4, 6, m, y, adjoint: false);

    /// <summary>dM = A dY Aᵀ (4×4 → 6×6).</summary>
    public static void OutputAdjoint(ReadOnlySpan<float> dy, Span<float> dm) => Sandwich(AT, 4, 6, dy, dm, adjoint: true);

    /// <summary>dd = B dV Bᵀ (6×6 → 6×6).</summary>
    public static void InputAdjoint(ReadOnlySpan<float> dv, Span<float> dd) => Sandwich(BT, 6, 6, dv, dd, adjoint: true);

    /// <summary>out = L x Lᵀ (adjoint: Lᵀ x L) for L [rows, cols]; x and out square
    /// (G: 3×3 → 6×6, adjoint 6×6 → 3×3).</summary>
    private static void Sandwich(ReadOnlySpan<float> l, int rows, int cols, ReadOnlySpan<float> x, Span<float> result, bool adjoint)
    {
        int n = adjoint ? rows : cols, p = adjoint ? cols : rows;   // x is n×n, out p×p
        Span<float> t = stackalloc float[36];                       // t = L x (or Lᵀ x), p×n
        for (int i = 0; i < p; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int k = 0; k < n; k++) sum += At(l, cols, i, k, adjoint) * x[n * k + j];
                t[n * i + j] = sum;
            }
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
            {
                float sum = 0;
                for (int k = 0; k < n; k++) sum += t[n * i + k] * At(l, cols, j, k, adjoint);
                result[p * i + j] = sum;
            }

        static float At(ReadOnlySpan<float> l, int cols, int i, int k, bool adjoint) => adjoint ? l[cols * k + i] : l[cols * i + k];
    }
}
