using System.CommandLine;
using System.Globalization;

namespace MlNetFashion.Scoring.Commands;

/// <summary>predict's and serve's --gpu N.</summary>
public static class GpuOption
{
    public static Option<int?> Create()
    {
        var gpu = new Option<int?>("--gpu")
        {
            Description = "CUDA device id, 0 or more (falls back to the CPU when CUDA is not available).",
        };
        // No device has a negative id; without CUDA it would pass silently as the CPU fallback. The token is read as
        // text: a value that is not an integer is System.CommandLine's own parse error, and reading the typed value
        // from a validator throws on it.
        gpu.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: var text }] && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int id)
                && id < 0)
            {
                result.AddError($"--gpu: expected a device id ≥ 0, received {id}");
            }
        });
        return gpu;
    }
}
