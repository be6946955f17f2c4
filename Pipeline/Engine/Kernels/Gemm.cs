namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Single-precision matrix multiply, row-major: C[M×N] = alpha · op(A)[M×K] · op(B)[K×N] + beta · C,
/// where op(X) is X or Xᵀ. lda/ldb/ldc are row strides of the matrices as stored. beta = 0 never reads C.
/// Every convolution and dense layer ends up here.
/// </summary>
/// <remarks>
/// Two implementations: the managed packed SIMD kernel (<see cref="GemmManaged"/>) and the system's OpenBLAS
/// (<see cref="OpenBlas"/>). <see cref="Provider"/> is chosen once — by <see cref="Configure"/>, else by the
/// MLNETFASHION_GEMM environment variable (auto | openblas | managed), else Auto: a fixed rule
/// (<see cref="GemmAutoSelection"/>). Both use Parallelism.Threads outside a Parallelism.For body and one thread inside.
/// </remarks>
public static unsafe class Gemm
{
    public const string EnvironmentVariable = "MLNETFASHION_GEMM";

    private static readonly object Gate = new();
    private static GemmProvider? s_provider;
    private static string s_choiceNote = "";

    /// <summary>The implementation in use (Managed or OpenBlas, never Auto); resolved on first use.</summary>
    public static GemmProvider Provider => s_provider ?? Configure(ParseEnvironment());

    /// <summary>One line for logs and `bench`, e.g. "managed AVX-512 8×32 (2 threads)".</summary>
    public static string Description
    {
        get
        {
            GemmProvider provider = Provider;
            string threads = $"{Parallelism.Threads} thread{(Parallelism.Threads == 1 ? "" : "s")}";
            string what = provider == GemmProvider.OpenBlas
                ? $"{OpenBlas.Version} ({threads})"
                : $"managed {GemmManaged.Isa} {GemmManaged.Tile} ({threads})";
            return s_choiceNote.Length == 0 ? what : $"{what}; {s_choiceNote}";
        }
    }

    /// <summary>
    /// Selects the implementation. Auto applies <see cref="GemmAutoSelection"/>'s fixed rule (no timing, so every
    /// process picks the same one); OpenBlas throws when libopenblas.so.0 does not load. Returns the resolved provider.
    /// </summary>
    public static GemmProvider Configure(GemmProvider requested)
    {
        lock (Gate)
        {
            switch (requested)
            {
                case GemmProvider.Managed:
                    if (s_provider != requested) s_choiceNote = ""; // re-selecting the current one keeps auto's note
                    break;
                case GemmProvider.OpenBlas when !OpenBlas.IsAvailable:
                    throw new InvalidOperationException(
                        "Gemm provider: expected OpenBLAS (libopenblas.so.0) to load, received no such library; "
                        + "install libopenblas0 or use 'managed'.");
                case GemmProvider.OpenBlas:
                    if (s_provider != requested) s_choiceNote = "";
                    break;
                case GemmProvider.Auto:
                    (requested, s_choiceNote) = GemmAutoSelection.Choose();
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(requested), requested, "Expected Auto, OpenBlas or Managed.");
            }
            s_provider = requested;
            return requested;
        }
    }

    private static GemmProvider ParseEnvironment() => ParseProvider(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>The provider named by a MLNETFASHION_GEMM value (unset or empty: Auto).</summary>
    internal static GemmProvider ParseProvider(string? value)
    {
        return value?.Trim().ToLowerInvariant() switch
        {
            null or "" or "auto" => GemmProvider.Auto,
            "openblas" => GemmProvider.OpenBlas,
            "managed" => GemmProvider.Managed,
            _ => throw new InvalidOperationException(
                $"{EnvironmentVariable}: expected auto, openblas or managed, received '{value}'."),
        };
    }

    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => Multiply(Provider, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>The same product through a given provider (tests and benchmarks compare them).</summary>
    internal static void Multiply(GemmProvider provider, bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        Validate(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        fixed (float* pa = a, pb = b, pc = c)
        {
            if (provider == GemmProvider.OpenBlas)
                GemmOpenBlas.Multiply(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            else
                GemmManaged.Multiply(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    private static void Validate(bool transposeA, bool transposeB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentOutOfRangeException(nameof(m), $"Gemm: expected m, n, k ≥ 0, received {m}, {n}, {k}.");
        CheckMatrix("a", transposeA ? k : m, transposeA ? m : k, aLength, lda);
        CheckMatrix("b", transposeB ? n : k, transposeB ? k : n, bLength, ldb);
        CheckMatrix("c", m, n, cLength, ldc);
    }

    private static void CheckMatrix(string name, int rows, int columns, int length, int stride)
    {
        if (stride < Math.Max(1, columns))
            throw new ArgumentException(
                $"Gemm: expected ld{name} ≥ {Math.Max(1, columns)} (its stored row length), received {stride}.", "ld" + name);
        long needed = rows == 0 || columns == 0 ? 0 : (long)(rows - 1) * stride + columns;
        if (length < needed)
            throw new ArgumentException(
                $"Gemm: expected {name} to hold ≥ {needed} floats ({rows}×{columns}, stride {stride}), received {length}.", name);
    }

    /// <summary>Scalar reference twin used by tests: the plain triple loop, accumulated in double.</summary>
    public static void Reference(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)av * bv;
                }
                float prior = beta == 0 ? 0 : beta * c[i * ldc + j];
                c[i * ldc + j] = (float)(alpha * sum) + prior;
            }
        }
    }
}
