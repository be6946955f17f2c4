using System.Text.Json;

namespace MlNetFashion.Scoring.Api;

/// <summary>
/// POST /predict's JSON form, for clients that cannot send a file: <c>{"image": "…", "name": "boot.png"}</c>, the image as
/// base64 or as the data: URL a browser canvas's <c>toDataURL()</c> gives (<c>data:image/png;base64,…</c>); "name" is
/// optional and names the image in the answer and in errors.
/// </summary>
public static class JsonImageBody
{
    /// <summary>What the body holds: the image's bytes and name, or the one-line error a 400 carries.</summary>
    public readonly record struct Result(byte[]? Image, string Name, string? Error);

    private const string Expected = "expected a JSON object {\"image\": \"<base64 or data: URL>\"}";

    /// <summary>
    /// A JSON content type (application/json, or any +json) whose body opens with '{': a raw image sent under a JSON content
    /// type by mistake is still read as the image it is.
    /// </summary>
    public static bool Applies(string? mediaType, ReadOnlySpan<byte> body)
    {
        if (mediaType is null) return false;
        bool json = mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
        ReadOnlySpan<byte> text = body.TrimStart(" \t\r\n"u8);
        return json && !text.IsEmpty && text[0] == (byte)'{';
    }

    public static Result Read(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            return Error($"malformed JSON body: {ex.Message.Split(". ")[0]}");
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("image", out JsonElement image))
                return Error($"{Expected}, received no \"image\" field");
            if (image.ValueKind != JsonValueKind.String)
                return Error($"image: expected a string (base64 or a data: URL), received a JSON {Kind(image.ValueKind)}");
            string name = root.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(n.GetString()) ? n.GetString()! : "image";
            return Decode(image.GetString()!, name);
        }
    }

    /// <summary>Base64 (standard or URL-safe alphabet, padded or not, line breaks allowed) after an optional data: URL's header.</summary>
    private static Result Decode(string text, string name)
    {
        ReadOnlySpan<char> payload = text;
        if (payload.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            int comma = payload.IndexOf(',');
            if (comma < 0 || !payload[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
                return Error($"{name}: expected a base64 data: URL (data:image/png;base64,…), received '{Shorten(text)}'");
            payload = payload[(comma + 1)..];
        }
        var digits = new System.Text.StringBuilder(payload.Length + 3);
        foreach (char c in payload)
            if (!char.IsWhiteSpace(c)) digits.Append(c switch { '-' => '+', '_' => '/', _ => c });
        if (digits.Length % 4 != 0 && digits.Length > 0 && digits[^1] != '=') digits.Append('=', 4 - digits.Length % 4);
        string padded = digits.ToString();
        try
        {
            return new Result(Convert.FromBase64String(padded), name, null);
        }
        catch (FormatException)
        {
            return Error($"{name}: expected the image as base64 or a data: URL, received '{Shorten(text)}'");
        }
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static Result Error(string message) => new(null, "image", message);
}
