using System.Text.Json;
using MlNetFashion.Engine.Checkpoints;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>
/// The settings a checkpoint records (its header's options JSON) and a resumed run must share with it: the net, the
/// batch size (a mid-epoch position counts batches), the optimizer (its state), the seed and hold-out fraction (they
/// decide which images are held out), the training set's size, the convolution kernels (their rounding) and the
/// monitor (the best epoch's score is in its units) and the weight averaging (its kind and decay shape the average the
/// checkpoint holds). Epochs and learning rate may change on resume, as in Keras'
/// fit(initial_epoch=…): training continues towards the new count.
/// Checkpoints written before a field existed leave it null, and a null is not compared.
/// </summary>
internal sealed record ResumeSettings(string? Preset, int? Epochs, int? BatchSize, OptimizerKind? Optimizer, float? LearningRate,
    ulong? Seed, float? ValidationFraction = null, int? TrainImages = null, string? Convolution = null, EarlyStoppingMetric? Monitor = null,
    WeightAveragingKind? WeightAveraging = null, float? WeightAveragingDecay = null)
{
    /// <summary>The enums as the JSON spec spells them ("adamw", "loss"), as checkpoints have always stored them.</summary>
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        Converters = { EnumSpelling.JsonConverter },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The settings in a checkpoint header's options JSON; all null when it holds none we can read.</summary>
    public static ResumeSettings Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return Unknown;
        try
        {
            return JsonSerializer.Deserialize<ResumeSettings>(json, Json) ?? Unknown;
        }
        catch (JsonException)
        {
            return Unknown;
        }
    }

    private static string? PresetName(string? name) =>
        name is not null && Presets.All.FirstOrDefault(p => p.IsCalled(name)) is { } preset ? preset.Name : name;

    private static string? Show(object? value) => value is Enum e ? EnumSpelling.Of(e) : value?.ToString();

    private static readonly ResumeSettings Unknown = new(null, null, null, null, null, null);

    /// <summary>
    /// Throws InvalidDataException naming <paramref name="path"/> when its checkpoint cannot continue this run: settings
    /// that differ from <paramref name="current"/> (each listed as "name saved → now"), or weights that do not fit
    /// <paramref name="model"/> (a model spec edited under the same name).
    /// </summary>
    public static void Check(string path, CheckpointFile.Header header, ResumeSettings current, Sequential model)
    {
        ResumeSettings saved = Parse(header.OptionsJson);
        var differences = new List<string>();
        void Compare<T>(string name, T? was, T? now)
        {
            if (was is not null && now is not null && !EqualityComparer<T>.Default.Equals(was, now))
                differences.Add($"{name} {Show(was)} → {Show(now)}");
        }
        // A checkpoint written under a preset's old name (seed001) continues under its new one (mcnn-paper).
        Compare("preset", PresetName(saved.Preset), PresetName(current.Preset));
        Compare("batch size", saved.BatchSize, current.BatchSize);
        Compare("optimizer", saved.Optimizer, current.Optimizer);
        Compare("seed", saved.Seed, current.Seed);
        Compare("validation fraction", saved.ValidationFraction, current.ValidationFraction);
        Compare("training images", saved.TrainImages, current.TrainImages);
        Compare("convolution", saved.Convolution, current.Convolution);
        // The checkpoint's best score is an accuracy or a negated loss: compared across monitors it would pick the wrong epoch.
        Compare("monitor", saved.Monitor, current.Monitor);
        // A checkpoint written before weight averaging existed averaged nothing: it reads as none.
        Compare("weight averaging", saved.WeightAveraging ?? WeightAveragingKind.None, current.WeightAveraging);
        Compare("weight averaging decay", saved.WeightAveragingDecay, current.WeightAveragingDecay);
        const string Advice = "resume with the run's settings, or train into another --out";
        if (differences.Count > 0)
            throw new InvalidDataException(
                $"{path}: saved by a run with other settings (saved → this run: {string.Join("; ", differences)}); {Advice}");
        int[] lengths = [.. model.Parameters.Select(p => p.Value.Length).Concat(model.Buffers.Select(b => b.Length))];
        if (!header.WeightLengths.SequenceEqual(lengths))
            throw new InvalidDataException(
                $"{path}: its {header.WeightLengths.Length} weight tensors ({header.WeightLengths.Sum():N0} values) " +
                $"do not fit model '{current.Preset}' " +
                $"({lengths.Length} tensors, {lengths.Sum():N0} values; was its model spec edited?); {Advice}");
    }
}
