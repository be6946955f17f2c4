using System.CommandLine;

namespace MlNetFashion.Scoring.Commands;

/// <summary>predict's and serve's --gpu N.</summary>
public static class GpuOption
{
    public static Option<int?> Create()
    {
        var gpu = new Option<int?>("--gpu") { Description = "CUDA device id, 0 or more (falls back to the CPU when CUDA is not available)." };
        // No device has a negative id; without CUDA it would pass silently as the CPU fallback.
        gpu.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is int id and < 0) result.AddError($"--gpu: expected a device id ≥ 0, received {id}");
        });
        return gpu;
    }
}
