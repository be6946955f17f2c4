using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Trainer;
using MlNetFashion.Pipeline.Transforms;

namespace MlNetFashion.Pipeline.Runs;

/// <summary>
/// Loads a trained model for scoring — model.zip (ML.NET, pixels in) or model.onnx (our contract) — and checks it
/// before use, so a wrong or damaged file gets one clear line naming it.
/// </summary>
public static class ModelFile
{
    /// <summary>
    /// A transformer that takes the Pixels column (bytes) and adds Score and PredictedLabel, both in Fashion-MNIST's
    /// class order whatever order the model was trained in (<see cref="CanonicalClassOrder"/>).
    /// </summary>
    public static ITransformer LoadForPixels(MLContext ml, string path, int? gpuDeviceId = null)
    {
        MustExist(path);
        byte[] head = ReadHead(path);
        if (head is [(byte)'P', (byte)'K', ..])
        {
            ITransformer loaded;
            try
            {
                loaded = ml.Model.Load(path, out _);
            }
            catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or FormatException or IOException or ArgumentException)
            {
                throw new InvalidDataException($"{Path.GetFileName(path)}: not a loadable ML.NET model ({FirstLine(ex.Message)})", ex);
            }
            // A pipeline of the user's own (e.g. trained on a Features column) loads, then fails at the first prediction
            // with ML.NET's "Could not find input column 'Features' (Parameter 'inputSchema')".
            try
            {
                loaded.GetOutputSchema(PixelRow().Schema);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw new InvalidDataException($"{Path.GetFileName(path)}: the model does not take a {FashionMnistDataView.PixelsColumn} column of 28×28 bytes, as train's model.zip does ({FirstLine(ex.Message).Split(" (Parameter")[0]})", ex);
            }
            return CanonicalClassOrder.Apply(ml, loaded, PixelRow(), Path.GetFileName(path));
        }
        // By its name an ML.NET model: read as ONNX, random bytes would be reported as "not a valid ONNX model".
        if (Path.GetExtension(path).Equals(".zip", StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{Path.GetFileName(path)}: not a zip archive, so not an ML.NET model (train writes one as model.zip)");
        byte[] onnx = ReadOnnx(path, out IReadOnlyList<string> classNames);
        var schema = PixelRow();
        ITransformer scale = ml.Transforms.ScalePixels().Fit(schema);
        ITransformer chain = ScoringChain.Create(ml, onnx, scale.Transform(schema), gpuDeviceId: gpuDeviceId, classNames: classNames);
        return CanonicalClassOrder.Apply(ml, scale.Append(chain), schema, Path.GetFileName(path));
    }

    /// <summary>The one wording of a missing model, for every command that takes --model.</summary>
    public static void MustExist(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: model file not found", path);
    }

    /// <summary>One blank image in the Pixels schema train's models take: what a loaded model is checked and fitted against.</summary>
    private static FashionMnistDataView PixelRow() => new(new FashionMnistSplit(new byte[FashionMnistSplit.ImageSize], [0]));

    /// <summary>The bytes of an ONNX file after checking it follows the contract (input [N,1,28,28], probabilities [N,10]).</summary>
    public static byte[] ReadOnnx(string path) => ReadOnnx(path, out _);

    /// <inheritdoc cref="ReadOnnx(string)"/>
    /// <param name="classNames">What its outputs stand for (<see cref="ClassNames(ModelMetadata)"/>), read from the same session.</param>
    public static byte[] ReadOnnx(string path, out IReadOnlyList<string> classNames)
    {
        string name = Path.GetFileName(path);
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            using var session = new InferenceSession(bytes);
            classNames = ClassNames(session.ModelMetadata);
            if (!session.InputMetadata.TryGetValue(OnnxExporter.InputName, out var input) || !Matches(input.Dimensions, [1, 28, 28]))
                throw new InvalidDataException($"{name}: expected an input '{OnnxExporter.InputName}' of shape [N, 1, 28, 28], found {Describe(session.InputMetadata)}");
            if (!session.OutputMetadata.TryGetValue(OnnxExporter.ProbabilitiesName, out var output) || !Matches(output.Dimensions, [10]))
                throw new InvalidDataException($"{name}: expected an output '{OnnxExporter.ProbabilitiesName}' of shape [N, 10], found {Describe(session.OutputMetadata)}");
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"{name}: not a valid ONNX model ({FirstLine(ex.Message)})", ex);
        }
        return bytes;
    }

    /// <summary>
    /// The classes an ONNX model's outputs stand for, from its "class_names" metadata (our exporter writes the training
    /// label's key values, in key order); Fashion-MNIST's names in their order when it has none or they are unusable.
    /// </summary>
    public static IReadOnlyList<string> ClassNames(ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (!metadata.CustomMetadataMap.TryGetValue(OnnxExporter.ClassNamesKey, out string? json)) return FashionMnistClasses.Names;
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<string[]>(json) is { } names ? LabelNames.Usable(names) : FashionMnistClasses.Names;
        }
        catch (System.Text.Json.JsonException)
        {
            return FashionMnistClasses.Names;
        }
    }

    private static bool Matches(int[] dims, int[] sample) => dims.Length == sample.Length + 1 && dims.Skip(1).SequenceEqual(sample);

    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> values) =>
        string.Join(", ", values.Select(v => $"'{v.Key}' [{string.Join(", ", v.Value.Dimensions.Select(d => d < 0 ? "N" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]"));

    private static byte[] ReadHead(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[4];
        int read = stream.Read(head);
        if (read == 0) throw new InvalidDataException($"{Path.GetFileName(path)}: the model file is empty");
        return head[..read];
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim().TrimEnd('.');
}
