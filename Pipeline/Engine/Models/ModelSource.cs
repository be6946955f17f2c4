using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Models;

/// <summary>Resolves a preset or a JSON model spec into a fresh model and its default training settings.</summary>
public static class ModelSource
{
    /// <summary>Spec files without a "training" section train with the default preset's settings.</summary>
    public static (string Name, Sequential Model, EngineTrainerOptions Defaults) Create(PresetKind? preset, string? modelSpecPath)
    {
        if (preset is not null && modelSpecPath is not null)
            throw new ArgumentException("--preset and --model-spec: expected one of them, received both");
        if (modelSpecPath is not null)
        {
            ModelSpec spec = ModelSpec.Load(modelSpecPath);
            return (Path.GetFileNameWithoutExtension(modelSpecPath), spec.CreateModel(),
                spec.Training ?? Presets.Get(PresetKind.Fast).Defaults);
        }
        Preset p = Presets.Get(preset ?? PresetKind.Fast);
        return (p.Name, p.CreateModel(), p.Defaults);
    }
}
