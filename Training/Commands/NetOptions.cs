using System.CommandLine;
using MlNetFashion.Engine.Models;

namespace MlNetFashion.Training.Commands;

/// <summary>The net a verb builds: --preset NAME or --model-spec FILE (train, cv, summary, bench).</summary>
internal sealed class NetOptions
{
    public Option<string?> Preset { get; } = new("--preset")
    {
        Description = $"{Presets.Names} (fast is the default; a name in parentheses is the former name, still accepted).",
    };

    public Option<string?> ModelSpec { get; } = new("--model-spec")
    {
        Description = "A JSON model definition (instead of --preset; docs/model-spec.md lists its keys).",
    };

    /// <summary>
    /// The preset named (a name or former name, any case; null when --preset is not given) and the spec file (null when
    /// --model-spec is not given).
    /// </summary>
    public (PresetKind? Preset, string? ModelSpec) Read(ParseResult parse) =>
        (parse.GetValue(Preset) is { } name ? Presets.Get(name).Kind : null, parse.GetValue(ModelSpec));
}
