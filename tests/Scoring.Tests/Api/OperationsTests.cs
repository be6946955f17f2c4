using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using MlNetFashion.Scoring.Api;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Tests.Api;

/// <summary>What an operator reads from the service: /ready, the model version header and /metrics (Prometheus' format).</summary>
public sealed partial class OperationsTests : InProcessService
{
    [Fact]
    public async Task GetReady_Started_200NamingTheModelVersion()
    {
        var response = await Client.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ready", (string?)json["status"]);
        Assert.Equal(Classifier.Info.Version, (string?)json["version"]);
    }

    [Fact]
    public async Task PostPredict_Answer_CarriesTheVersionOfTheModelThatScoredIt()
    {
        var response = await Client.PostAsync("/predict", new ByteArrayContent(Png(0)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ModelInfo.VersionOf(File.ReadAllBytes(TrainedModel.Onnx)),
            response.Headers.GetValues(ScoringApi.ModelVersionHeader).Single());
    }

    [Fact]
    public async Task GetMetrics_AfterPredictions_CountsAndLatenciesAgreeWithTheClient()
    {
        const int requests = 30;
        double clientSeconds = 0;
        for (int i = 0; i < requests; i++)
        {
            var clock = Stopwatch.StartNew();
            (await Client.PostAsync("/predict", new ByteArrayContent(Png(i)))).EnsureSuccessStatusCode();
            clientSeconds += clock.Elapsed.TotalSeconds;
        }
        (await Client.PostAsync("/predict", new StringContent("not an image"))).Dispose();

        var samples = Parse(await Client.GetStringAsync("/metrics"));
        double Value(string name, params string[] labels) =>
            samples.Where(s => s.Name == name && labels.All(s.Labels.Contains)).Sum(s => s.Value);
        string post = "method=\"POST\"", predict = "endpoint=\"/predict\"";
        Assert.Equal(requests, Value("http_requests_received_total", "code=\"200\"", post, predict));
        Assert.Equal(1, Value("http_requests_received_total", "code=\"400\"", post, predict));
        Assert.Equal(requests + 1, Value("http_request_duration_seconds_count", post, predict));
        double serverSeconds = Value("http_request_duration_seconds_sum", "code=\"200\"", post, predict);
        Assert.InRange(serverSeconds, 1e-6, clientSeconds);   // the server's share of what the client waited
        Assert.Equal(requests + 1, Value("http_request_duration_seconds_bucket", "le=\"+Inf\"", post, predict));
        Assert.Equal(requests, Value("mlnetfashion_preprocess_seconds_count"));
        Assert.Equal(requests, Value("mlnetfashion_inference_seconds_count"));
        Assert.Equal(requests, Value("mlnetfashion_predictions_total"));
        Assert.InRange(Value("mlnetfashion_inference_seconds_sum") + Value("mlnetfashion_preprocess_seconds_sum"), 1e-6, serverSeconds);
        // The model's own metadata, as train wrote it, in the labels.
        Assert.False(string.IsNullOrEmpty(Classifier.Info.Preset));
        string accuracy = Classifier.Info.TestAccuracy!.Value.ToString("F4", CultureInfo.InvariantCulture);
        Assert.Equal(1, Value("mlnetfashion_model_info", $"version=\"{Classifier.Info.Version}\"", "name=\"model.onnx\"",
            $"preset=\"{Classifier.Info.Preset}\"", $"accuracy=\"{accuracy}\""));
        Assert.Contains(samples, s => s.Name == "http_requests_in_progress");
    }

    private static byte[] Png(int index) => ImagePreprocessor.EncodePng(new GrayImage(28, 28, TrainedModel.Test.Image(index).ToArray()));

    private sealed record Sample(string Name, string[] Labels, double Value);

    /// <summary>Prometheus' text format: "name{label="value",…} number" per line, '#' lines are help and type.</summary>
    private static List<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#')) continue;
            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a Prometheus sample line: {line}");
            string[] labels = [.. LabelPair().Matches(match.Groups["labels"].Value).Select(m => m.Value)];
            string number = match.Groups["value"].Value;
            double value = number switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(number, CultureInfo.InvariantCulture),
            };
            samples.Add(new Sample(match.Groups["name"].Value, labels, value));
        }
        return samples;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"[a-zA-Z_][a-zA-Z0-9_]*=""(\\.|[^""\\])*""")]
    private static partial Regex LabelPair();
}
