using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Models;

/// <summary>
/// A named architecture with the training settings of its source. <see cref="Name"/> is how command lines, checkpoints and
/// model metadata spell <see cref="Kind"/>; <see cref="Alias"/> is the name it had before it was named for what it is
/// (seed000 … seed004): still accepted, so scripts and checkpoints that use it keep working.
/// </summary>
public sealed record Preset(PresetKind Kind, string Name, string Description, Func<Sequential> CreateModel, EngineTrainerOptions Defaults)
{
    public string? Alias { get; init; }

    /// <summary>"mcnn-paper (seed001)": how help texts and errors list it.</summary>
    public string Label => Alias is null ? Name : $"{Name} ({Alias})";

    public bool IsCalled(string name) =>
        Name.Equals(name, StringComparison.OrdinalIgnoreCase) || (Alias?.Equals(name, StringComparison.OrdinalIgnoreCase) ?? false);
}
