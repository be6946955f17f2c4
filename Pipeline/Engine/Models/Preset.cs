using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Models;

/// <summary>A named architecture with the training settings of its source.</summary>
public sealed record Preset(string Name, string Description, Func<Sequential> CreateModel, EngineTrainerOptions Defaults);
