using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Scoring.Api;
using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Scoring.Tests.Classification;

/// <summary>
/// A model trained on a folder of three classes of the user's own: the export, the library, predict and the service
/// all speak of its classes, by the folder names, in the folder's class order.
/// </summary>
public sealed class OwnClassesTests
{
    private static string ImageOf(string label) =>
        Directory.EnumerateFiles(Path.Combine(OwnClassesModel.Images, label)).Order(StringComparer.Ordinal).Last();

    [Fact]
    public void Train_ThreeClassFolder_LearnsAndExportsTheFolderNames()
    {
        Assert.True(OwnClassesModel.Summary.Test.Accuracy >= 0.8, $"test accuracy {OwnClassesModel.Summary.Test.Accuracy:P1}");
        Assert.Equal(OwnClassesModel.Classes, OwnClassesModel.Summary.Test.PerClass.Select(c => c.Label));
        using var session = new InferenceSession(OwnClassesModel.Onnx);
        Assert.Equal("[\"Schuhe-\\u00E4\",\"Stiefel\",\"\\u9774\"]", session.ModelMetadata.CustomMetadataMap["class_names"]);
        Assert.Equal("true", session.ModelMetadata.CustomMetadataMap[ModelFile.OwnClassesKey]);
        Assert.Equal([-1, 3], session.OutputMetadata["probabilities"].Dimensions);
        foreach (string file in new[] { "model.zip", "metrics.json", "history.csv", "report.html", "checkpoints/best.ckpt" })
            Assert.True(File.Exists(Path.Combine(OwnClassesModel.Directory, file)), file);
        Assert.Contains("Schuhe-ä", File.ReadAllText(Path.Combine(OwnClassesModel.Directory, "metrics.json")).Replace("\\u00E4", "ä"));
    }

    [Theory]
    [InlineData("model.onnx")]
    [InlineData("model.zip")]
    public void Predict_OwnClassesModel_LabelsAreTheFolderNames(string file)
    {
        using var classifier = FashionClassifier.Load(Path.Combine(OwnClassesModel.Directory, file));
        Assert.Equal(OwnClassesModel.Classes, classifier.Classes);
        foreach (string label in OwnClassesModel.Labels)
        {
            Prediction p = classifier.Predict(ImageOf(label));
            Assert.Equal(3, p.Probabilities.Length);
            Assert.Equal(classifier.Classes[p.LabelIndex], p.Label);
            Assert.Contains(p.Label, OwnClassesModel.Classes);
        }
    }

    [Fact]
    public void Explain_OwnClassesModel_HeatMapOfItsPredictedClass()
    {
        using var classifier = FashionClassifier.Load(OwnClassesModel.Onnx);
        string image = ImageOf(OwnClassesModel.Labels[0]);

        Explanation e = classifier.Explain(image);

        Assert.Equal(classifier.Predict(image).LabelIndex, e.Prediction.LabelIndex);
        Assert.Equal(28 * 28, e.Heat.Length);
        Assert.Contains(e.Heat, h => h != 0);
    }

    [Fact]
    public void PredictCommand_OwnClassesModel_PrintsTheFolderNames()
    {
        string image = ImageOf("靴");
        using var classifier = FashionClassifier.Load(OwnClassesModel.Onnx);
        string expected = classifier.Predict(image).Label;

        var (exit, output, error) = Cli.Run("predict", "--model", OwnClassesModel.Onnx, "--json", image);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var row = JsonNode.Parse(output)!.AsArray().Single()!;
        Assert.Equal(expected, (string?)row["label"]);
        Assert.Equal(3, row["probabilities"]!.AsArray().Count);
    }

    [Fact]
    public async Task Serve_OwnClassesModel_ClassesAndPredictionsInTheModelsNames()
    {
        using var classifier = FashionClassifier.Load(OwnClassesModel.Onnx);
        await using WebApplication app = ScoringApi.Build(classifier, configure: b => b.WebHost.UseTestServer());
        await app.StartAsync();
        HttpClient client = app.GetTestClient();

        var classes = JsonNode.Parse(await client.GetStringAsync("/classes"))!.AsArray().Select(n => (string?)n);
        Assert.Equal(OwnClassesModel.Classes, classes);
        Assert.Contains("fetch('/classes')", await client.GetStringAsync("/"));

        using var form = new MultipartFormDataContent();
        var image = new ByteArrayContent(File.ReadAllBytes(ImageOf("Stiefel")));
        image.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(image, "image", "stiefel.png");
        var response = await client.PostAsync("/predict", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var prediction = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["prediction"]!;
        Assert.Equal(classifier.Predict(ImageOf("Stiefel")).Label, (string?)prediction["label"]);
        Assert.Equal(3, prediction["probabilities"]!.AsArray().Count);
    }

    [Fact]
    public void ModelLoad_ThreeClassZip_PredictionEngineKeysTheFolderNames()
    {
        var ml = new MLContext(seed: 1);
        ITransformer model = ml.Model.Load(OwnClassesModel.Zip, out _);
        var engine = ml.Model.CreatePredictionEngine<Input, Output>(model);
        var pixels = new byte[28 * 28];
        pixels[14 * 28 + 14] = 255;

        Output output = engine.Predict(new Input { Pixels = pixels });

        Assert.Equal(3, output.Score.Length);
        Assert.InRange(output.PredictedLabel, 1u, 3u);
        Assert.Equal(Array.IndexOf(output.Score, output.Score.Max()) + 1, (int)output.PredictedLabel);
        VBuffer<ReadOnlyMemory<char>> keys = default;
        engine.OutputSchema["PredictedLabel"].GetKeyValues(ref keys);
        Assert.Equal(OwnClassesModel.Classes, keys.DenseValues().Select(k => k.ToString()));
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
}
