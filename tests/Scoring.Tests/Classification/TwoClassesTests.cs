using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Scoring.Api;
using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Scoring.Tests.Classification;

/// <summary>
/// The smallest folder a user can train on: two classes, named in German with an umlaut and in Japanese. Trained once
/// (two-conv, a few epochs on a tiny generated folder), then the export, predict, the service and the library all speak
/// of those two names, in the folder's ordinal order.
/// </summary>
public sealed class TwoClassesTests
{
    private static OwnClassesModel Model => OwnClassesModel.Two;

    private static string ImageOf(string label) => Model.ImageOf(label);

    [Fact]
    public void Train_TwoClassFolder_LearnsAndExportsBothNames()
    {
        Assert.True(Model.Summary.Test.Accuracy >= 0.8, $"test accuracy {Model.Summary.Test.Accuracy:P1}");
        Assert.Equal(Model.Classes, Model.Summary.Test.PerClass.Select(c => c.Label));
        using var session = new InferenceSession(Model.Onnx);
        Assert.Equal("[\"Stiefel-\\u00F6\",\"\\u30B5\\u30F3\\u30C0\\u30EB\"]", session.ModelMetadata.CustomMetadataMap["class_names"]);
        Assert.Equal([-1, 2], session.OutputMetadata["probabilities"].Dimensions);
        Assert.StartsWith("Classifier of 2 classes of the user's own", session.ModelMetadata.Description);
    }

    [Fact]
    public void PredictCommand_TwoClassModel_PrintsTheNames()
    {
        string sandal = ImageOf("サンダル"), boot = ImageOf("Stiefel-ö");
        using var classifier = FashionClassifier.Load(Model.Onnx);

        var (exit, output, error) = Cli.Run("predict", "--model", Model.Onnx, "--json", sandal, boot);
        var (plainExit, plain, _) = Cli.Run("predict", "--model", Model.Onnx, sandal);

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
        using var classifier = FashionClassifier.Load(Model.Onnx);
        await using WebApplication app = ScoringApi.Build(classifier, configure: b => b.WebHost.UseTestServer());
        await app.StartAsync();
        HttpClient client = app.GetTestClient();

        var classes = JsonNode.Parse(await client.GetStringAsync("/classes"))!.AsArray().Select(n => (string?)n);
        using var body = new ByteArrayContent(File.ReadAllBytes(ImageOf("サンダル")));
        body.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var response = await client.PostAsync("/predict", body);

        Assert.Equal(Model.Classes, classes);
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
        using var classifier = FashionClassifier.Load(Path.Combine(Model.Directory, file));
        Assert.Equal(Model.Classes, classifier.Classes);
        int right = 0;
        foreach (string label in Model.Labels)
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
        var pixels = new byte[28 * 28];
        for (int y = 6; y < 22; y++) pixels[y * 28 + 14] = 255;

        var (score, predicted, keys) = Model.PredictWithMlNet(pixels);

        Assert.Equal(2, score.Length);
        Assert.Equal(Array.IndexOf(score, score.Max()) + 1, (int)predicted);
        Assert.Equal(Model.Classes, keys);
    }
}
