using System.Globalization;
using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;

namespace MlNetFashion.Scoring.Classification;

/// <summary>
/// What a loaded model is: its file name, a version that changes whenever its bytes do, and what train wrote into an
/// ONNX model's metadata (preset, test accuracy). A service reports it with every answer and in its metrics, so a
/// client or an operator can tell which model answered.
/// </summary>
/// <param name="Name">The model file's name, e.g. model.onnx.</param>
/// <param name="Version">The first 12 hex digits of the file's SHA-256.</param>
/// <param name="Preset">The training preset from the ONNX metadata; null for model.zip or a model without it.</param>
/// <param name="TestAccuracy">The test accuracy (0..1) from the ONNX metadata; null when it has none.</param>
public sealed record ModelInfo(string Name, string Version, string? Preset, double? TestAccuracy)
{
    /// <summary>The version of these model bytes (the first 12 hex digits of their SHA-256).</summary>
    public static string VersionOf(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..12];

    /// <summary>Reads the facts of the model bytes <paramref name="bytes"/> loaded from <paramref name="path"/>.</summary>
    internal static ModelInfo Read(string path, byte[] bytes)
    {
        string? preset = null;
        double? accuracy = null;
        // model.zip (ML.NET) starts with "PK"; its embedded ONNX graph is not read here: preset and accuracy stay null.
        if (bytes is not [(byte)'P', (byte)'K', ..])
        {
            try
            {
                using var session = new InferenceSession(bytes);
                var map = session.ModelMetadata.CustomMetadataMap;
                preset = map.GetValueOrDefault("preset");
                if (map.TryGetValue("test_accuracy", out string? text)
                    && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                    accuracy = value;
            }
            catch (OnnxRuntimeException)
            {
                // Loading the model has already checked the file; metadata that ONNX Runtime cannot read is simply absent.
            }
        }
        return new ModelInfo(Path.GetFileName(path), VersionOf(bytes), preset, accuracy);
    }
}
