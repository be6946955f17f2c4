using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Engine.Calibration;
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
    /// The metadata key ("true") of a model trained on classes of the user's own (a folder of images): its class names
    /// are never matched to Fashion-MNIST's, not even "0" … "9" (digits are not garment numbers).
    /// </summary>
    public const string OwnClassesKey = "own_classes";

    /// <summary>
    /// A transformer that takes the Pixels column (bytes) and adds Score and PredictedLabel: for a Fashion-MNIST model
    /// both in Fashion-MNIST's class order whatever order it was trained in (<see cref="CanonicalClassOrder"/>), for a
    /// model of the user's own classes in its own order.
    /// </summary>
    public static ITransformer LoadForPixels(MLContext ml, string path, int? gpuDeviceId = null)
    {
        MustExist(path);
        if (IsZip(path))
        {
            ITransformer loaded = LoadZip(ml, path);
            return ZipHasOwnClasses(path) ? loaded : CanonicalClassOrder.Apply(ml, loaded, PixelRow());
        }
        byte[] onnx = ReadOnnx(path, out IReadOnlyList<string> classNames, out bool ownClasses);
        var schema = PixelRow();
        ITransformer scale = ml.Transforms.ScalePixels().Fit(schema);
        ITransformer chain = ScoringChain.Create(ml, onnx, scale.Transform(schema), gpuDeviceId: gpuDeviceId, classNames: classNames);
        return ownClasses ? scale.Append(chain) : CanonicalClassOrder.Apply(ml, scale.Append(chain), schema);
    }

    /// <summary>
    /// The ONNX graph of model.onnx, or the one inside model.zip (checked as <see cref="LoadForPixels"/> checks the file),
    /// with what its outputs stand for: a scorer that runs the graph itself (after <see cref="PixelTransforms.ScalePixels"/>,
    /// as train's model.zip does) needs nothing else. A zip's classes are its PredictedLabel's key values.
    /// </summary>
    public static ModelGraph ReadGraph(MLContext ml, string path)
    {
        ArgumentNullException.ThrowIfNull(ml);
        MustExist(path);
        if (!IsZip(path)) return Check(Path.GetFileName(path), File.ReadAllBytes(path));
        ITransformer loaded = LoadZip(ml, path);
        IReadOnlyList<string> names;
        try
        {
            names = LabelNames.Of(loaded.Transform(PixelRow()), "PredictedLabel");
        }
        finally
        {
            (loaded as IDisposable)?.Dispose();
        }
        ModelGraph graph = Check(Path.GetFileName(path), OnnxInZip(path));
        return names.Count == graph.ClassNames.Count ? graph with { ClassNames = names } : graph;
    }

    /// <summary>Whether the file is a zip archive (an ML.NET model); a ".zip" that is not one is reported as such.</summary>
    private static bool IsZip(string path)
    {
        if (ReadHead(path) is [(byte)'P', (byte)'K', ..]) return true;
        // By its name an ML.NET model: read as ONNX, random bytes would be reported as "not a valid ONNX model".
        if (Path.GetExtension(path).Equals(".zip", StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException(
                $"{Path.GetFileName(path)}: not a zip archive, so not an ML.NET model (train writes one as model.zip)");
        return false;
    }

    /// <summary>An ML.NET model.zip, checked to take the Pixels column train's models take.</summary>
    private static ITransformer LoadZip(MLContext ml, string path)
    {
        ITransformer loaded;
        try
        {
            loaded = ml.Model.Load(path, out _);
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or FormatException or IOException
            or ArgumentException)
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
            (loaded as IDisposable)?.Dispose();
            throw new InvalidDataException($"{Path.GetFileName(path)}: the model does not take a {FashionMnistDataView.PixelsColumn} " +
                $"column of 28×28 bytes, as train's model.zip does ({FirstLine(ex.Message).Split(" (Parameter")[0]})", ex);
        }
        return loaded;
    }

    /// <summary>ML.NET stores the ONNX bytes in model.zip as a length-prefixed entry "…/OnnxModel".</summary>
    public static byte[] OnnxInZip(string path)
    {
        try
        {
            using ZipArchive zip = ZipFile.OpenRead(path);
            ZipArchiveEntry entry = zip.Entries.FirstOrDefault(e => e.Name == "OnnxModel")
                ?? throw new InvalidDataException($"{Path.GetFileName(path)}: no ONNX model inside this ML.NET model");
            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            byte[] bytes = buffer.ToArray();
            return bytes.Length > 4 && BitConverter.ToInt32(bytes, 0) == bytes.Length - 4 ? bytes[4..] : bytes;
        }
        catch (InvalidDataException ex) when (ex.Message.Contains("End of Central Directory", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: not a valid zip file", ex);
        }
    }

    /// <summary>The one wording of a missing model, for every command that takes --model.</summary>
    public static void MustExist(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException($"model path: expected a file path, received '{path}'");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: model file not found", path);
    }

    /// <summary>One blank image in the Pixels schema train's models take: what a loaded model is checked and fitted against.</summary>
    private static FashionMnistDataView PixelRow() => new(new FashionMnistSplit(new byte[FashionMnistSplit.ImageSize], [0]));

    /// <summary>
    /// The graph of ONNX bytes (<paramref name="name"/>: the file they came from, for errors), checked as <see cref="ReadOnnx(string)"/>
    /// checks a file, with what its outputs stand for and the calibration its metadata holds.
    /// </summary>
    public static ModelGraph ReadGraph(string name, byte[] onnx) => Check(name, onnx);

    /// <summary>The bytes of an ONNX file after checking it follows the contract (input [N,1,28,28], probabilities [N,K]).</summary>
    public static byte[] ReadOnnx(string path) => ReadOnnx(path, out _);

    /// <inheritdoc cref="ReadOnnx(string)"/>
    /// <param name="classNames">
    /// What its outputs stand for (<see cref="ClassNames(ModelMetadata, int)"/>), read from the same session.
    /// </param>
    public static byte[] ReadOnnx(string path, out IReadOnlyList<string> classNames) => ReadOnnx(path, out classNames, out _);

    /// <inheritdoc cref="ReadOnnx(string, out IReadOnlyList{string})"/>
    /// <param name="ownClasses">Whether its classes are the user's own (<see cref="OwnClassesKey"/>).</param>
    public static byte[] ReadOnnx(string path, out IReadOnlyList<string> classNames, out bool ownClasses)
    {
        ModelGraph graph = Check(Path.GetFileName(path), File.ReadAllBytes(path));
        classNames = graph.ClassNames;
        ownClasses = graph.OwnClasses;
        return graph.Onnx;
    }

    /// <summary>ONNX bytes checked to follow the contract (input [N,1,28,28], probabilities [N,K]); name is the file's.</summary>
    private static ModelGraph Check(string name, byte[] bytes)
    {
        try
        {
            using var session = new InferenceSession(bytes);
            if (!session.InputMetadata.TryGetValue(OnnxExporter.InputName, out var input) || !Matches(input.Dimensions, [1, 28, 28]))
                throw new InvalidDataException(
                    $"{name}: expected an input '{OnnxExporter.InputName}' of shape [N, 1, 28, 28], " +
                    $"found {Describe(session.InputMetadata)}");
            if (!session.OutputMetadata.TryGetValue(OnnxExporter.ProbabilitiesName, out var output)
                || output.Dimensions is not [_, >= 2 and var classes])
                throw new InvalidDataException(
                    $"{name}: expected an output '{OnnxExporter.ProbabilitiesName}' of shape [N, K] with K ≥ 2 classes, " +
                    $"found {Describe(session.OutputMetadata)}");
            bool hasLogits = session.OutputMetadata.TryGetValue(OnnxExporter.LogitsName, out var logits)
                && logits.Dimensions is [_, var k] && k == classes;
            bool hasScore = session.OutputMetadata.TryGetValue(OnnxExporter.InDistributionScoreName, out var score)
                && score.Dimensions is [_, 1];
            var graph = new ModelGraph(bytes, ClassNames(session.ModelMetadata, classes), HasOwnClasses(session.ModelMetadata), hasLogits,
                new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap), hasScore);
            if (graph.InDistributionRule is { } rule && !InDistributionScore.FromLogits(rule.Score) && !hasScore)
                throw new InvalidDataException($"{name}: the model's in-distribution score is {InDistributionScore.Name(rule.Score)} " +
                    $"but it has no output '{OnnxExporter.InDistributionScoreName}' of shape [N, 1]");
            return graph;
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"{name}: not a valid ONNX model ({FirstLine(ex.Message)})", ex);
        }
    }

    /// <summary>
    /// The classes an ONNX model's <paramref name="count"/> outputs stand for, from its "class_names" metadata (our
    /// exporter writes the training label's key values, in key order); when it has none or they are unusable,
    /// Fashion-MNIST's names in their order for ten outputs, else "0" … "K−1" (<see cref="LabelNames.Usable"/>).
    /// </summary>
    public static IReadOnlyList<string> ClassNames(ModelMetadata metadata, int count = FashionMnistClasses.Count)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (!metadata.CustomMetadataMap.TryGetValue(OnnxExporter.ClassNamesKey, out string? json)) return LabelNames.Usable([], count);
        try
        {
            return LabelNames.Usable(System.Text.Json.JsonSerializer.Deserialize<string[]>(json) ?? [], count);
        }
        catch (System.Text.Json.JsonException)
        {
            return LabelNames.Usable([], count);
        }
    }

    /// <summary>Whether a model's metadata marks its classes as the user's own (<see cref="OwnClassesKey"/>).</summary>
    public static bool HasOwnClasses(ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return metadata.CustomMetadataMap.TryGetValue(OwnClassesKey, out string? value) && value == "true";
    }

    /// <summary>Read from the ONNX model inside; a pipeline without one (not train's) has no such mark.</summary>
    private static bool ZipHasOwnClasses(string path)
    {
        try
        {
            using var session = new InferenceSession(OnnxInZip(path));
            return HasOwnClasses(session.ModelMetadata);
        }
        catch (Exception ex) when (ex is InvalidDataException or OnnxRuntimeException)
        {
            return false;
        }
    }

    private static bool Matches(int[] dims, int[] sample) => dims.Length == sample.Length + 1 && dims.Skip(1).SequenceEqual(sample);

    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> values) =>
        string.Join(", ", values.Select(v => $"'{v.Key}' [{string.Join(", ", v.Value.Dimensions.Select(Dimension))}]"));

    private static string Dimension(int d) => d < 0 ? "N" : d.ToString(System.Globalization.CultureInfo.InvariantCulture);

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
