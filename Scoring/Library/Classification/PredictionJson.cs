using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlNetFashion.Scoring.Classification;

/// <summary>The JSON shape of predictions, shared by predict --json and the HTTP service's POST /predict.</summary>
public static class PredictionJson
{
    private static readonly JsonSerializerOptions Options =
        new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    /// <summary>One image's prediction: file, label, labelIndex, confidence, probabilities, inDistributionScore, verdict.</summary>
    public static object Row(string file, Prediction p) => new
    {
        file, label = p.Label, labelIndex = p.LabelIndex, confidence = p.Confidence, probabilities = p.Probabilities,
        inDistributionScore = p.InDistributionScore, verdict = p.Verdict,
    };

    /// <summary>IMAGE.heat.json: the predicted label, the heat map's size and its 784 values, row-major.</summary>
    public static object HeatMap(Explanation e) => new
    {
        label = e.Prediction.Label, labelIndex = e.Prediction.LabelIndex, width = Classification.Explanation.Size,
        height = Classification.Explanation.Size, heat = e.Heat,
    };

    /// <summary>An explanation as JSON: the 784 heat values (row-major 28×28) and the heat map as a data: PNG.</summary>
    public static object Explanation(Explanation e) => new
    {
        heatMap = e.Heat, width = Classification.Explanation.Size, height = Classification.Explanation.Size,
        png = "data:image/png;base64," + Convert.ToBase64String(Imaging.HeatMapImage.EncodePng(e.Input, e.Heat)),
    };

    /// <summary>predict --json: a <see cref="Row"/> per file, and a file that has no prediction as <c>{"file", "error"}</c>, the
    /// row <c>predict --out</c> writes for it.</summary>
    public static string Serialize(IEnumerable<(string File, Prediction? Prediction, string? Error)> results) =>
        JsonSerializer.Serialize(results.Select(r => r.Prediction is { } p ? Row(r.File, p) : new { file = r.File, error = r.Error }),
            Options);

    /// <summary>
    /// predict --idx --json: the run's figures and one row per image in file order (index, label, labelIndex, confidence,
    /// probabilities, inDistributionScore, verdict, and actual with --labels). Not indented: 10,000 rows of ten probabilities.
    /// </summary>
    public static string SerializeIdx(BatchScorer.Result result)
    {
        IReadOnlyList<string> names = result.Classes;
        var rows = Enumerable.Range(0, result.Count).Select(i =>
        {
            float[] p = result.Probabilities.AsSpan(i * names.Count, names.Count).ToArray();
            int k = result.Predicted[i];
            string? actual = result.Labels is { } l ? names[l[i]] : null;
            return new
            {
                index = i, label = names[k], labelIndex = k, confidence = p[k], probabilities = p,
                inDistributionScore = result.Scores.InDistributionScores[i], verdict = result.Scores.Verdict(i),
                actual,
            };
        });
        var document = new
        {
            count = result.Count, seconds = result.Seconds, imagesPerSecond = result.ImagesPerSecond, accuracy = result.Accuracy,
            predictions = rows,
        };
        var compact = new JsonSerializerOptions(Options) { WriteIndented = false };
        compact.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        return JsonSerializer.Serialize(document, compact);
    }
}
