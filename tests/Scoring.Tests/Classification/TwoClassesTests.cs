using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Pipeline.Reporting;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Pipeline.Trainer;
using MlNetFashion.Scoring.Api;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Data;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Scoring.Tests.Classification;

/// <summary>
/// The smallest folder a user can train on: two classes, named in German with an umlaut and in Japanese. Trained once
/// (two-conv, a few epochs on a tiny generated folder), then the export, predict, the service and the library all speak
/// of those two names, in the folder's ordinal order.
/// </summary>
public sealed class TwoClassesTests
{
    private static readonly string[] Labels = ["サンダル", "Stiefel-ö"];

    /// <summary>Ordinal order of the folder names: 'S' (U+0053) before 'サ' (U+30B5).</summary>
    private static readonly string[] Classes = ["Stiefel-ö", "サンダル"];

    private static readonly Lazy<(string Directory, string Images, TrainingRunSummary Summary)> s_run = new(Train);

    private static string Onnx => Path.Combine(s_run.Value.Directory, "model.onnx");

    private static (string, string, TrainingRunSummary) Train()
    {
        string root = Directory.CreateTempSubdirectory("scoring-tests-two-classes-").FullName;
        string images = ImageTree.Create(Path.Combine(root, "images"), Labels, perClass: 20, seed: 5);
        string output = Path.Combine(root, "model");
        var data = ImageFolderSplit.Load(images, null, 0.25f, BadImagePolicy.Fail, seed: 1).Data;
        var summary = TrainingRun.Execute(new TrainingRunOptions
        {
            Preset = "two-conv", Epochs = 6, BatchSize = 8, OutputDirectory = output, ValidationFraction = 0,
        }, data, new Silent(), CancellationToken.None);
        return (output, images, summary);
    }

    private static string ImageOf(string label) =>
        Directory.EnumerateFiles(Path.Combine(s_run.Value.Images, label)).Order(StringComparer.Ordinal).Last();

    [Fact]
    public void Train_TwoClassFolder_LearnsAndExportsBothNames()
    {
        Assert.True(s_run.Value.Summary.Test.Accuracy >= 0.8, $"test accuracy {s_run.Value.Summary.Test.Accuracy:P1}");
        Assert.Equal(Classes, s_run.Value.Summary.Test.PerClass.Select(c => c.Label));
        using var session = new InferenceSession(Onnx);
        Assert.Equal("[\"Stiefel-\\u00F6\",\"\\u30B5\\u30F3\\u30C0\\u30EB\"]", session.ModelMetadata.CustomMetadataMap["class_names"]);
        Assert.Equal([-1, 2], session.OutputMetadata["probabilities"].Dimensions);
    }

    [Fact]
    public void PredictCommand_TwoClassModel_PrintsTheNames()
    {
        string sandal = ImageOf("サンダル"), boot = ImageOf("Stiefel-ö");
        using var classifier = FashionClassifier.Load(Onnx);

        var (exit, output, error) = Cli.Run("predict", "--model", Onnx, "--json", sandal, boot);
        var (plainExit, plain, _) = Cli.Run("predict", "--model", Onnx, sandal);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var rows = JsonNode.Parse(output)!.AsArray();
        Assert.Equal([classifier.Predict(sandal).Label, classifier.Predict(boot).Label], rows.Select(r => (string?)r!["label"]));
        Assert.All(rows, r => Assert.Equal(2, r!["probabilities"]!.AsArray().Count));
        Assert.Equal(0, plainExit);
        Assert.Contains(classifier.Predict(sandal).Label, plain);
    }

    [Fact]
    public async Task Serve_TwoClassModel_ClassesAndPredictionInTheNames()
    {
        using var classifier = FashionClassifier.Load(Onnx);
        await using WebApplication app = ScoringApi.Build(classifier, configure: b => b.WebHost.UseTestServer());
        await app.StartAsync();
        HttpClient client = app.GetTestClient();

        var classes = JsonNode.Parse(await client.GetStringAsync("/classes"))!.AsArray().Select(n => (string?)n);
        using var body = new ByteArrayContent(File.ReadAllBytes(ImageOf("サンダル")));
        body.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var response = await client.PostAsync("/predict", body);

        Assert.Equal(Classes, classes);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var prediction = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["prediction"]!;
        Assert.Equal(classifier.Predict(ImageOf("サンダル")).Label, (string?)prediction["label"]);
        Assert.Equal(2, prediction["probabilities"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("model.onnx")]
    [InlineData("model.zip")]
    public void Predict_TwoClassModel_LibraryLabelsAreTheNames(string file)
    {
        using var classifier = FashionClassifier.Load(Path.Combine(s_run.Value.Directory, file));
        Assert.Equal(Classes, classifier.Classes);
        int right = 0;
        foreach (string label in Labels)
        {
            Prediction p = classifier.Predict(ImageOf(label));
            Assert.Equal(2, p.Probabilities.Length);
            Assert.Equal(classifier.Classes[p.LabelIndex], p.Label);
            right += p.Label == label ? 1 : 0;
        }
        Assert.True(right >= 1, "neither image got its own class");
    }

    [Fact]
    public void ModelLoad_TwoClassZip_PredictionEngineKeysTheNames()
    {
        var ml = new MLContext(seed: 1);
        var engine = ml.Model.CreatePredictionEngine<Input, Output>(ml.Model.Load(Path.Combine(s_run.Value.Directory, "model.zip"), out _));
        var pixels = new byte[28 * 28];
        for (int y = 6; y < 22; y++) pixels[y * 28 + 14] = 255;

        Output output = engine.Predict(new Input { Pixels = pixels });

        Assert.Equal(2, output.Score.Length);
        Assert.Equal(Array.IndexOf(output.Score, output.Score.Max()) + 1, (int)output.PredictedLabel);
        VBuffer<ReadOnlyMemory<char>> keys = default;
        engine.OutputSchema["PredictedLabel"].GetKeyValues(ref keys);
        Assert.Equal(Classes, keys.DenseValues().Select(k => k.ToString()));
    }

    private sealed class Input
    {
        [VectorType(28, 28)]
        public byte[] Pixels { get; set; } = [];
    }

    private sealed class Output
    {
        public uint PredictedLabel { get; set; }
        public float[] Score { get; set; } = [];
    }

    private sealed class Silent : ITrainingProgress
    {
        public void Stage(string message) { }
        public void Metrics(FashionCnnMetrics metrics, int totalEpochs) { }
    }
}
