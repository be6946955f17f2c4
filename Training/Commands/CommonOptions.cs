using System.CommandLine;

namespace MlNetFashion.Training.Commands;

/// <summary>Options several verbs share, defined once so names and help texts stay identical.</summary>
internal static class CommonOptions
{
    public static Option<string?> Preset() => new("--preset") { Description = "fast (default), best, seed000 … seed004" };
    public static Option<string?> ModelSpec() => new("--model-spec") { Description = "A JSON model definition (instead of --preset)." };
    public static Option<string?> DataDir() => new("--data-dir") { Description = "Folder with the four Fashion-MNIST files (.gz or raw)." };
    public static Option<int?> Threads() => new("--threads") { Description = "Engine threads (default: all cores)." };
}
