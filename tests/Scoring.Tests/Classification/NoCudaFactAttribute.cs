using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Scoring.Tests.Classification;

/// <summary>
/// A fact about the CPU fallback of a GPU request: skipped (with the reason shown) where CUDA is really usable.
/// CI runs the tests tagged Category=Gpu again on the GPU build (-p:OnnxRuntimeGpu=true).
/// </summary>
internal sealed class NoCudaFactAttribute : FactAttribute
{
    public NoCudaFactAttribute()
    {
        if (GpuSelection.Resolve(0).Message is null) Skip = "CUDA device 0 is usable here: the CPU fallback cannot be shown.";
    }
}
