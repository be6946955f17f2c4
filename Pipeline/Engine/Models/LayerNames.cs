namespace MlNetFashion.Engine.Models;

/// <summary>Turns a layer kind into the Keras-like instance name prefix: "BatchNorm2D" → "batch_norm2d".</summary>
internal static class LayerNames
{
    public static string SnakeCase(string kind)
    {
        var builder = new System.Text.StringBuilder();
        for (int i = 0; i < kind.Length; i++)
        {
            char c = kind[i];
            bool boundary = i > 0 && char.IsUpper(c) && (char.IsLower(kind[i - 1]) || (i + 1 < kind.Length && char.IsLower(kind[i + 1])));
            if (boundary && kind[i - 1] != '_') builder.Append('_');
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }
}
