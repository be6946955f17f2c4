using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetFashion.Engine.Calibration;

namespace MlNetFashion.Pipeline.Reporting;

/// <summary>metrics.json: the keys other tools read (preset, epochs, trainSeconds, testAccuracy, perClass, …).</summary>
public static class MetricsJson
{
    public static string Create(TrainingRunSummary run)
    {
        var root = new JsonObject
        {
            ["preset"] = run.NetName,
            ["epochs"] = run.History.Count,
            ["bestEpoch"] = run.BestEpoch,
            ["trainSeconds"] = Math.Round(run.TrainSeconds, 2),
            ["totalSeconds"] = Math.Round(run.TotalSeconds, 2),
            ["trainImagesPerSecond"] = Math.Round(run.TrainImagesPerSecond, 1),
            ["testAccuracy"] = run.Test.Accuracy,
            ["macroAccuracy"] = run.Test.MacroAccuracy,
            ["logLoss"] = run.Test.LogLoss,
            ["onnxMaxAbsDiff"] = run.OnnxMaxAbsDiff,
            ["onnxCheckedImages"] = run.OnnxCheckedImages,
            ["perClass"] = new JsonArray([.. run.Test.PerClass.Select(c => (JsonNode)new JsonObject
            {
                ["label"] = c.Label, ["precision"] = c.Precision, ["recall"] = c.Recall, ["f1"] = c.F1, ["support"] = c.Support,
            })]),
            ["confusionMatrix"] =
                new JsonArray([.. run.Test.ConfusionMatrix.Select(row => (JsonNode)new JsonArray([.. row.Select(v => (JsonNode)v)]))]),
            ["settings"] = new JsonObject([.. run.Settings.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, kv.Value))]),
        };
        if (run.StopReason is not null) root["stopReason"] = run.StopReason;
        if (run.SingleViewAccuracy is { } single) root["singleViewTestAccuracy"] = single;
        // The held-out share's accuracy at the kept epoch: what a paper measured "on a split of the training set" reports.
        if (run.History.FirstOrDefault(h => h.Epoch == run.BestEpoch)?.ValidationAccuracy is { } validation)
            root["validationAccuracy"] = validation;
        if (run.Calibration is { } c)
        {
            root["temperature"] = c.Temperature;
            root["eceBefore"] = c.EceBefore;
            root["eceAfter"] = c.EceAfter;
            root["eceBins"] = c.After.Count;
            root["calibrationImages"] = c.HeldOutImages;
            if (c.InDistribution is { } rule)
            {
                root["oodScore"] = InDistributionScore.Name(rule.Score);
                root["oodThreshold"] = rule.Threshold;
            }
            if (c.Note is not null) root["calibrationNote"] = c.Note;
        }
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
