using System.Runtime.Intrinsics;

namespace MlNetFashion.Engine.Kernels;

/// <summary>
/// Auto provider choice, by a fixed rule rather than a timing: a per-process measurement could pick differently in
/// two processes on a busy machine, and then the same seed would no longer give the same weights (a resumed run would
/// diverge from the uninterrupted one). The rule follows the measurements in docs/results.md (benchmarks `gemm`): with
/// AVX-512 the managed 8×32 kernel is as fast as OpenBLAS on the engine's convolution chunks (1.05–1.19×) and needs
/// no native library; without it, OpenBLAS when present.
/// </summary>
internal static class GemmAutoSelection
{
    public static (GemmProvider Provider, string Note) Choose()
    {
        if (Vector512.IsHardwareAccelerated) return (GemmProvider.Managed, "auto: AVX-512 present → managed kernel");
        return OpenBlas.IsAvailable
            ? (GemmProvider.OpenBlas, "auto: no AVX-512 → OpenBLAS")
            : (GemmProvider.Managed, "auto: no AVX-512 and no OpenBLAS → managed kernel");
    }
}
