using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace MlNetFashion.Scoring.Classification;

/// <summary>
/// Decides whether a CUDA device can be used. ML.NET's fallbackToCpu does not help with the CPU-only runtime (it
/// throws EntryPointNotFoundException, dotnet/machinelearning#4478), so ask ONNX Runtime first and only pass a device
/// id on when a CUDA session can really be created. With the GPU runtime on a machine without CUDA's libraries,
/// ONNX Runtime logs the failed load of its CUDA provider as an error on stderr; the caller's one line
/// (<see cref="CpuFallbackMessage"/>) says all of it, so the probe runs with ONNX Runtime's log at Fatal.
/// </summary>
public static class GpuSelection
{
    public const string CpuFallbackMessage = "CUDA not available; scoring on CPU";

    /// <summary>The device to pass to ML.NET / ONNX Runtime, or null with a one-line reason.</summary>
    public static (int? DeviceId, string? Message) Resolve(int? requested)
    {
        if (requested is null) return (null, null);
        try
        {
            OrtEnv environment = OrtEnv.Instance();
            if (!environment.GetAvailableProviders().Contains("CUDAExecutionProvider")) return (null, CpuFallbackMessage);
            OrtLoggingLevel level = environment.EnvLogLevel;
            environment.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
            try
            {
                using SessionOptions options = SessionOptions.MakeSessionOptionWithCudaProvider(requested.Value);
                return (requested, null);
            }
            finally
            {
                environment.EnvLogLevel = level;
            }
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            return (null, CpuFallbackMessage);
        }
    }
}
