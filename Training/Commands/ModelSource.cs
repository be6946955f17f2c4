using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Training.Commands;

/// <summary>Resolves --preset / --model-spec into a model and its default training settings.</summary>
internal static class ModelSource
{
    public static (string Name, Sequential Model, EngineTrainerOptions Defaults) Create(string? preset, string? modelSpec)
    {
        if (preset is not null && modelSpec is not null) throw new ArgumentException("--preset and --model-spec: expected one of them, received both");
        if (modelSpec is not null)
        {
            ModelSpec spec = ModelSpec.Load(modelSpec);
            return (Path.GetFileNameWithoutExtension(modelSpec), spec.CreateModel(), spec.Training ?? new EngineTrainerOptions());
        }
        Preset p = Presets.Get(preset ?? "fast");
        return (p.Name, p.CreateModel(), p.Defaults);
    }
}
