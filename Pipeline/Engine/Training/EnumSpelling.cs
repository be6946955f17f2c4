using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlNetFashion.Engine.Training;

/// <summary>
/// How the JSON spec, checkpoints and command lines spell an option's enum value: its name in lower case
/// (<see cref="Optimizers.OptimizerKind.AdamW"/> is "adamw"), read back case-insensitively. Only the names are
/// accepted, not the numbers or comma lists <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/> takes.
/// </summary>
public static class EnumSpelling
{
    public static string Of(Enum value) => value.ToString().ToLowerInvariant();

    public static IReadOnlyList<string> Names<T>() where T : struct, Enum => [.. Enum.GetValues<T>().Select(v => Of(v))];

    /// <summary>"adam, adamw or sgd": the names as an error message lists them.</summary>
    public static string Expected<T>() where T : struct, Enum
    {
        IReadOnlyList<string> names = Names<T>();
        return names.Count == 1 ? names[0] : $"{string.Join(", ", names.Take(names.Count - 1))} or {names[^1]}";
    }

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (T candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Of(candidate), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>For System.Text.Json: writes the lower-case names, reads them (any case), refuses numbers.</summary>
    public static JsonConverter JsonConverter { get; } = new JsonStringEnumConverter(new LowerCase(), allowIntegerValues: false);

    private sealed class LowerCase : JsonNamingPolicy
    {
        public override string ConvertName(string name) => name.ToLowerInvariant();
    }
}
