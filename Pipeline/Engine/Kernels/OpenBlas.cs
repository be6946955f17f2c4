using System.Runtime.InteropServices;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// SGEMM from the system's OpenBLAS (Debian: libopenblas0-pthread → libopenblas.so.0), when it loads.
/// OpenBLAS is kept single-threaded: the threads come from <see cref="Parallelism"/>, which splits the columns of C,
/// so a call inside a Parallelism.For body is safe and OpenBLAS's own spinning worker threads never compete with
/// ours for the two cores.
/// </summary>
internal static unsafe partial class OpenBlas
{
    private const string Library = "libopenblas.so.0";
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    private static readonly Lazy<(bool Available, string Version)> Probe = new(Load);

    /// <summary>True when libopenblas.so.0 loads and exports cblas_sgemm.</summary>
    public static bool IsAvailable => Probe.Value.Available;

    /// <summary>"OpenBLAS 0.3.21 Haswell": version and the kernel set chosen for this CPU, or "" when absent.</summary>
    public static string Version => Probe.Value.Version;

    /// <summary>C = alpha · op(A) · op(B) + beta · C, row-major, on the calling thread.</summary>
    public static void Sgemm(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
        => cblas_sgemm(RowMajor, transposeA ? Trans : NoTrans, transposeB ? Trans : NoTrans,
            m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    private static (bool, string) Load()
    {
        if (!NativeLibrary.TryLoad(Library, typeof(OpenBlas).Assembly, null, out IntPtr handle)) return (false, "");
        if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out _)) return (false, "");
        openblas_set_num_threads(1);
        // get_config: "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH … Cooperlake MAX_THREADS=64"; keep name, version, core.
        string[] config = (Marshal.PtrToStringAnsi(openblas_get_config()) ?? "OpenBLAS").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string core = Marshal.PtrToStringAnsi(openblas_get_corename()) ?? "";
        return (true, string.Join(' ', config.Take(2).Append(core)).Trim());
    }

    [LibraryImport(Library)]
    private static partial void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(Library)]
    private static partial void openblas_set_num_threads(int threads);

    [LibraryImport(Library)]
    private static partial IntPtr openblas_get_config();

    [LibraryImport(Library)]
    private static partial IntPtr openblas_get_corename();
}
