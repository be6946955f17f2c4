using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Schedules;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Models;

/// <summary>
/// A model defined in JSON, loaded at run time so users change architectures without recompiling:
/// <code>{"input":[1,28,28],"layers":[{"type":"Conv2D","filters":32,"kernelSize":3,"padding":"same"},{"type":"ReLU"},…],
///  "training":{"epochs":10,"batchSize":128,"optimizer":"adamw","learningRate":0.003,…}}</code>
/// Layer fields are the layers' GetConfig names; "training" is optional (its "convolution" picks the kernels the net is
/// built with: auto, im2col, winograd, winograd4x4; its "weightAveraging" and "weightAveragingDecay" the
/// <see cref="WeightAveraging"/>). Any other key is an error naming it and the keys accepted there.
/// docs/model-spec.md is the users' reference of every key.
/// </summary>
public sealed class ModelSpec
{
    private ModelSpec(Func<Sequential> create, EngineTrainerOptions? training) => (CreateModel, Training) = (create, training);

    public Func<Sequential> CreateModel { get; }
    public EngineTrainerOptions? Training { get; }

    /// <summary>The keys a spec's top level accepts (docs/model-spec.md lists them; a test holds the two equal).</summary>
    internal static IReadOnlyList<string> TopLevelKeys { get; } = ["input", "layers", "training"];

    /// <summary>The keys a "training" section accepts, in the order they are read: the fields the reader consults.</summary>
    internal static IReadOnlyList<string> TrainingKeys { get; } = ReadTrainingKeys();

    private static string[] ReadTrainingKeys()
    {
        var reader = new SpecReader("", "$.training", []);
        ReadTrainingFields(reader);
        return [.. reader.Consulted];
    }

    public static ModelSpec Load(string path)
    {
        // .NET says "Access to the path … is denied" for a folder, which sends the user after permissions.
        if (Directory.Exists(path)) throw new SpecException($"{path}: is a folder; expected a model spec JSON file");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SpecException($"{path}: cannot read the model spec ({ex.Message})", ex);
        }
        // The path as given: a file name alone can mislead ("null" for /dev/null, or two spec.json in other folders).
        return Parse(text, path);
    }

    public static ModelSpec Parse(string json, string file = "model spec")
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new SpecException($"{file}: expected a JSON object at the top level");
        }
        catch (JsonException ex) when (ex is not SpecException)
        {
            string where = $"line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}";
            throw new SpecException($"{file}: malformed JSON at {where}: {ex.Message.Split('.')[0]}", ex);
        }
        SpecReader.RejectDuplicateKeys(json, file);
        new SpecReader(file, "$", root).RejectUnknownKeys(TopLevelKeys);
        Shape input = ReadInput(root, file);
        if (root["layers"] is not JsonArray layers || layers.Count == 0)
            throw new SpecException(
                $"{file}: $.layers: expected a non-empty array of layers, received {root["layers"]?.ToJsonString() ?? "nothing"}");
        // Validate everything now (by building once), so a bad spec fails before any data is loaded.
        Sequential Create() => Build(input, layers, file);
        Create().Build(1, new EngineRandom(0));
        EngineTrainerOptions? training = root["training"] switch
        {
            null => null,
            JsonObject t => ReadTraining(new SpecReader(file, "$.training", t)),
            JsonNode other => throw new SpecException($"{file}: $.training: expected an object, received {other.ToJsonString()}"),
        };
        return new ModelSpec(Create, training);
    }

    private static Shape ReadInput(JsonObject root, string file)
    {
        if (root["input"] is null) return Presets.Input;
        try
        {
            int[] dims = root["input"]!.Deserialize<int[]>() ?? [];
            return new Shape(dims);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new SpecException(
                $"{file}: $.input: expected positive dimensions like [1, 28, 28], received {root["input"]!.ToJsonString()}", ex);
        }
        catch (InsufficientMemoryException ex)
        {
            throw new SpecException($"{file}: $.input: {ex.Message.TrimEnd('.')}; Fashion-MNIST images are [1, 28, 28]", ex);
        }
    }

    private static Sequential Build(Shape input, JsonArray layers, string file)
    {
        var model = new Sequential(input);
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is not JsonObject node)
                throw new SpecException($"{file}: $.layers[{i}]: expected an object, received {layers[i]?.ToJsonString() ?? "null"}");
            var reader = new SpecReader(file, $"$.layers[{i}]", node);
            string kind = reader.String("type", null);
            try
            {
                model.Add(LayerFactory.Create(kind, reader));
            }
            catch (ArgumentException ex)
            {
                throw new SpecException($"{file}: $.layers[{i}] ({kind}): {ex.Message.Split(" (Parameter")[0]}", ex);
            }
        }
        try
        {
            model.Build(1, new EngineRandom(0));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            throw new SpecException($"{file}: {ex.Message}", ex);
        }
        return Rebuildable(model);
    }

    /// <summary>The validation build above used batch 1; hand out a fresh unbuilt copy so the trainer picks the batch.</summary>
    private static Sequential Rebuildable(Sequential built)
    {
        var copy = new Sequential(built.InputShape);
        foreach (Layer layer in built.Layers) copy.Add(LayerFactory.Create(layer.Kind, new SpecReader("", "", layer.GetConfig())));
        return copy;
    }

    /// <summary>Every field is optional and read, so the fields read are the ones accepted; anything else is a typo.</summary>
    private static EngineTrainerOptions ReadTraining(SpecReader r)
    {
        EngineTrainerOptions options = ReadTrainingFields(r);
        r.RejectUnknownKeys(r.Consulted);
        return options;
    }

    private static EngineTrainerOptions ReadTrainingFields(SpecReader r) => new()
    {
        Epochs = r.Int("epochs", 10),
        BatchSize = r.Int("batchSize", 128),
        Optimizer = r.Enum("optimizer", OptimizerKind.AdamW),
        LearningRate = r.Float("learningRate", 0.003f, 1e-8f, 10f),
        WeightDecay = r.Float("weightDecay", 0f, 0f, 1f),
        Momentum = r.Float("momentum", 0.9f, 0f, 1f),
        Nesterov = r.Bool("nesterov", true),
        AdamEpsilon = r.Float("adamEpsilon", Adam.DefaultEpsilon, 1e-12f, 1f),
        Schedule = r.Enum("schedule", ScheduleKind.OneCycle),
        WarmupFraction = r.Float("warmupFraction", 0.2f, 0f, 0.99f),
        LabelSmoothing = r.Float("labelSmoothing", 0f, 0f, 0.99f),
        WeightAveraging = ReadWeightAveraging(r),
        Augmentation = new AugmentationOptions(
            r.Int("cropPadding", 0, 0), r.Bool("horizontalFlip", false), r.Float("erasingProbability", 0f, 0f, 1f),
            r.Float("cutMixProbability", 0f, 0f, 1f)),
        TestTimeAugmentation = r.Bool("testTimeAugmentation", false),
        ValidationFraction = r.Float("validationFraction", 0.1f, 0f, 0.99f),
        // The spec keeps Keras' flat keys; in the engine they are one EarlyStopping.
        EarlyStopping = new EarlyStopping(
            r.Int("earlyStoppingPatience", 0, 0),
            r.Float("earlyStoppingMinDelta", 0f, 0f, 1f),
            r.Enum("monitor", EarlyStoppingMetric.Accuracy)),
        RestoreBestWeights = r.Bool("restoreBestWeights", true),
        ReduceOnPlateauPatience = r.Int("reduceOnPlateauPatience", 0, 0),
        ReduceOnPlateauFactor = r.Float("reduceOnPlateauFactor", 0.5f, 1e-3f, 1f),
        ReduceOnPlateauMinDelta = r.Float("reduceOnPlateauMinDelta", ReduceLearningRateOnPlateau.KerasMinDelta, 0f, 1f),
        Convolution = r.String("convolution", "", ConvolutionAlgorithm.Names) is { Length: > 0 } conv
            ? ConvolutionAlgorithm.Parse(conv)
            : null,
    };

    /// <summary>"weightAveraging": none or exponential; "weightAveragingDecay": d (0.999 unless given).</summary>
    private static WeightAveraging ReadWeightAveraging(SpecReader r)
    {
        WeightAveragingKind kind = r.Enum("weightAveraging", WeightAveragingKind.None);
        float decay = r.Float("weightAveragingDecay", 0.999f, 0.5f, 0.99999f);
        return kind == WeightAveragingKind.None ? WeightAveraging.None : new WeightAveraging(kind, decay);
    }

    /// <summary>The spec of a model (from each layer's GetConfig) — the inverse of <see cref="Parse"/>.</summary>
    public static string ToJson(Sequential model)
    {
        var layers = new JsonArray();
        foreach (Layer layer in model.Layers)
        {
            var node = new JsonObject { ["type"] = layer.Kind };
            foreach (var (key, value) in layer.GetConfig()) node[key] = value?.DeepClone();
            layers.Add(node);
        }
        var root = new JsonObject
        {
            ["input"] = new JsonArray([.. model.InputShape.ToArray().Select(d => (JsonNode)d)]),
            ["layers"] = layers,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
