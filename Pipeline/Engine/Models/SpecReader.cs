using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Models;

/// <summary>Typed reads from a JSON object with errors that name the file and the JSON path.</summary>
internal sealed class SpecReader(string file, string path, JsonObject node)
{
    private readonly List<string> _consulted = [];

    public string Path => path;

    /// <summary>
    /// The fields asked for so far (read or tested with Has), in order: what a section with only optional fields accepts.
    /// </summary>
    public IReadOnlyList<string> Consulted => _consulted;

    /// <summary>
    /// A key outside <paramref name="accepted"/> is an error, not ignored: a typo ("epoch") would otherwise run with the
    /// default it meant to change.
    /// </summary>
    public void RejectUnknownKeys(IReadOnlyList<string> accepted, string? owner = null)
    {
        foreach (var (key, _) in node)
        {
            if (!accepted.Contains(key, StringComparer.Ordinal))
                throw new SpecException(
                    $"{file}: {path}.{key}: unknown key{(owner is null ? "" : " for " + owner)} (expected {string.Join(", ", accepted)})");
        }
    }

    /// <summary>
    /// A key given twice in one object is an error naming its path and line: JsonNode.Parse takes it, and the object's
    /// first read then throws an ArgumentException that names no file. <paramref name="json"/> is well-formed
    /// (JsonNode.Parse took it).
    /// </summary>
    public static void RejectDuplicateKeys(string json, string file)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes);
        var keys = new Stack<HashSet<string>>();
        var path = new Stack<string>();
        var items = new Stack<int>();   // per open array: the index of its next item
        string? pending = null;          // the property whose value comes next
        long line = 1, counted = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    string key = reader.GetString()!;
                    if (!keys.Peek().Add(key))
                    {
                        for (; counted < reader.TokenStartIndex; counted++) if (bytes[counted] == '\n') line++;
                        throw new SpecException($"{file}: {Join(path)}.{key}: the key is given twice in one object (line {line})");
                    }
                    pending = key;
                    continue;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    path.Push(Segment(ref pending, items));
                    if (reader.TokenType == JsonTokenType.StartObject) keys.Push([]);
                    else items.Push(0);
                    continue;
                case JsonTokenType.EndObject:
                    keys.Pop();
                    path.Pop();
                    continue;
                case JsonTokenType.EndArray:
                    items.Pop();
                    path.Pop();
                    continue;
                default:
                    Segment(ref pending, items);
                    continue;
            }
        }

        static string Join(Stack<string> path) => string.Concat(path.Reverse());
    }

    /// <summary>The path segment of the value that starts now: ".key" in an object, "[i]" in an array, "$" at the top.</summary>
    private static string Segment(ref string? pending, Stack<int> items)
    {
        if (pending is { } key)
        {
            pending = null;
            return "." + key;
        }
        if (items.Count == 0) return "$";
        int index = items.Pop();
        items.Push(index + 1);
        return $"[{index}]";
    }

    private JsonNode? Get(string field)
    {
        Consult(field);
        return node[field];
    }

    private void Consult(string field)
    {
        if (!_consulted.Contains(field)) _consulted.Add(field);
    }

    public SpecException Error(string field, string expected, JsonNode? received) =>
        new($"{file}: {path}.{field}: expected {expected}, received {(received is null ? "nothing" : received.ToJsonString())}");

    public bool Has(string field)
    {
        Consult(field);
        return node.ContainsKey(field);
    }

    public int Int(string field, int? fallback = null, int min = 1)
    {
        JsonNode? value = Get(field);
        if (value is null && fallback is not null) return fallback.Value;
        if (value is JsonValue v && v.TryGetValue(out int i) && i >= min) return i;
        throw Error(field, min == 1 ? "a positive integer" : $"an integer ≥ {min}", value);
    }

    public float Float(string field, float fallback, float min = float.NegativeInfinity, float max = float.PositiveInfinity)
    {
        JsonNode? value = Get(field);
        if (value is null) return fallback;
        if (value is JsonValue v && Number(v) is double d && d >= min && d <= max) return (float)d;
        throw Error(field, $"a number in [{min}, {max}]", value);
    }

    /// <summary>A JSON number as double, whether it was parsed from text or created from a float/int (GetConfig).</summary>
    private static double? Number(JsonValue v) =>
        v.TryGetValue(out double d) ? d : v.TryGetValue(out float f) ? f : v.TryGetValue(out int i) ? i : null;

    public bool Bool(string field, bool fallback)
    {
        JsonNode? value = Get(field);
        if (value is null) return fallback;
        if (value is JsonValue v && v.TryGetValue(out bool b)) return b;
        throw Error(field, "true or false", value);
    }

    /// <summary>An enum field in its lower-case spelling (<see cref="EnumSpelling"/>), any case accepted.</summary>
    public T Enum<T>(string field, T fallback) where T : struct, System.Enum
    {
        JsonNode? value = Get(field);
        if (value is null) return fallback;
        if (value is JsonValue v && v.TryGetValue(out string? s) && EnumSpelling.TryParse(s, out T parsed)) return parsed;
        throw Error(field, "one of " + string.Join(", ", EnumSpelling.Names<T>().Select(a => $"\"{a}\"")), value);
    }

    public string String(string field, string? fallback, params string[] allowed)
    {
        JsonNode? value = Get(field);
        if (value is null && fallback is not null) return fallback;
        if (value is JsonValue v && v.TryGetValue(out string? s)
            && (allowed.Length == 0 || allowed.Contains(s, StringComparer.OrdinalIgnoreCase)))
            return s!;
        throw Error(field, allowed.Length == 0 ? "a string" : "one of " + string.Join(", ", allowed.Select(a => $"\"{a}\"")), value);
    }
}

/// <summary>A malformed model spec: the message names the file, the JSON path and both sides.</summary>
public sealed class SpecException(string message, Exception? inner = null) : JsonException(message, inner);
