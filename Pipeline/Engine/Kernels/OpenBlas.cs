using System.Runtime.InteropServices;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// cblas_sgemm from libopenblas.so.0 when the library loads (Debian: libopenblas0-pthread). Bound lazily through
/// NativeLibrary so a machine without OpenBLAS runs the managed kernel instead of failing.
/// </summary>
internal static unsafe class OpenBlas
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    private static readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> s_sgemm;
    private static readonly delegate* unmanaged<int, void> s_setThreads;
    private static readonly delegate* unmanaged<byte*> s_config;

    static OpenBlas()
    {
        string[] names = OperatingSystem.IsWindows() ? ["libopenblas.dll", "openblas.dll"] : ["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"];
        foreach (string name in names)
        {
            if (!NativeLibrary.TryLoad(name, out IntPtr lib)) continue;
            if (!NativeLibrary.TryGetExport(lib, "cblas_sgemm", out IntPtr sgemm)) continue;
            s_sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
            if (NativeLibrary.TryGetExport(lib, "openblas_set_num_threads", out IntPtr set)) s_setThreads = (delegate* unmanaged<int, void>)set;
            if (NativeLibrary.TryGetExport(lib, "openblas_get_config", out IntPtr cfg)) s_config = (delegate* unmanaged<byte*>)cfg;
            return;
        }
    }

    public static bool IsAvailable => s_sgemm != null;

    /// <summary>"OpenBLAS 0.3.21 DYNAMIC_ARCH … Haswell" — printed by bench.</summary>
    public static string Config => s_config != null ? Marshal.PtrToStringAnsi((IntPtr)s_config()) ?? "OpenBLAS" : "OpenBLAS";

    public static void SetThreads(int threads)
    {
        if (s_setThreads != null) s_setThreads(threads);
    }

    public static void Sgemm(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            s_sgemm(RowMajor, transposeA ? Trans : NoTrans, transposeB ? Trans : NoTrans, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }
}
