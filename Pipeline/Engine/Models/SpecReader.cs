using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlNetFashion.Engine.Models;

/// <summary>Typed reads from a JSON object with errors that name the file and the JSON path.</summary>
internal sealed class SpecReader(string file, string path, JsonObject node)
{
    public string Path => path;

    public SpecException Error(string field, string expected, JsonNode? received) =>
        new($"{file}: {path}.{field}: expected {expected}, received {(received is null ? "nothing" : received.ToJsonString())}");

    public bool Has(string field) => node.ContainsKey(field);

    public int Int(string field, int? fallback = null, int min = 1)
    {
        JsonNode? value = node[field];
        if (value is null && fallback is not null) return fallback.Value;
        if (value is JsonValue v && v.TryGetValue(out int i) && i >= min) return i;
        throw Error(field, min == 1 ? "a positive integer" : $"an integer ≥ {min}", value);
    }

    public float Float(string field, float fallback, float min = float.NegativeInfinity, float max = float.PositiveInfinity)
    {
        JsonNode? value = node[field];
        if (value is null) return fallback;
        if (value is JsonValue v && Number(v) is double d && d >= min && d <= max) return (float)d;
        throw Error(field, $"a number in [{min}, {max}]", value);
    }

    /// <summary>A JSON number as double, whether it was parsed from text or created from a float/int (GetConfig).</summary>
    private static double? Number(JsonValue v) =>
        v.TryGetValue(out double d) ? d : v.TryGetValue(out float f) ? f : v.TryGetValue(out int i) ? i : null;

    public bool Bool(string field, bool fallback)
    {
        JsonNode? value = node[field];
        if (value is null) return fallback;
        if (value is JsonValue v && v.TryGetValue(out bool b)) return b;
        throw Error(field, "true or false", value);
    }

    public string String(string field, string? fallback, params string[] allowed)
    {
        JsonNode? value = node[field];
        if (value is null && fallback is not null) return fallback;
        if (value is JsonValue v && v.TryGetValue(out string? s) && (allowed.Length == 0 || allowed.Contains(s, StringComparer.OrdinalIgnoreCase))) return s!;
        throw Error(field, allowed.Length == 0 ? "a string" : "one of " + string.Join(", ", allowed.Select(a => $"\"{a}\"")), value);
    }
}

/// <summary>A malformed model spec: the message names the file, the JSON path and both sides.</summary>
public sealed class SpecException(string message, Exception? inner = null) : JsonException(message, inner);
