using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
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
    private static OwnClassesModel Model => OwnClassesModel.Three;

    private static string ImageOf(string label) => Model.ImageOf(label);

    [Fact]
    public void Train_ThreeClassFolder_LearnsAndExportsTheFolderNames()
    {
        Assert.True(Model.Summary.Test.Accuracy >= 0.8, $"test accuracy {Model.Summary.Test.Accuracy:P1}");
        Assert.Equal(Model.Classes, Model.Summary.Test.PerClass.Select(c => c.Label));
        using var session = new InferenceSession(Model.Onnx);
        Assert.Equal("[\"Schuhe-\\u00E4\",\"Stiefel\",\"\\u9774\"]", session.ModelMetadata.CustomMetadataMap["class_names"]);
        Assert.Equal("true", session.ModelMetadata.CustomMetadataMap[ModelFile.OwnClassesKey]);
        Assert.Equal([-1, 3], session.OutputMetadata["probabilities"].Dimensions);
        Assert.StartsWith("Classifier of 3 classes of the user's own, named after the training folder's subfolders",
            session.ModelMetadata.Description);
        Assert.EndsWith("[N,3].", session.ModelMetadata.Description);
        Assert.DoesNotContain("garment", session.ModelMetadata.CustomMetadataMap["preprocessing"]);
        foreach (string file in new[] { "model.zip", "metrics.json", "history.csv", "report.html", "checkpoints/best.ckpt" })
            Assert.True(File.Exists(Path.Combine(Model.Directory, file)), file);
        Assert.Contains("Schuhe-ä", File.ReadAllText(Path.Combine(Model.Directory, "metrics.json")).Replace("\\u00E4", "ä"));
    }

    [Theory]
    [InlineData("model.onnx")]
    [InlineData("model.zip")]
    public void Predict_OwnClassesModel_LabelsAreTheFolderNames(string file)
    {
        using var classifier = FashionClassifier.Load(Path.Combine(Model.Directory, file));
        Assert.Equal(Model.Classes, classifier.Classes);
        foreach (string label in Model.Labels)
        {
            Prediction p = classifier.Predict(ImageOf(label));
            Assert.Equal(3, p.Probabilities.Length);
            Assert.Equal(classifier.Classes[p.LabelIndex], p.Label);
            Assert.Contains(p.Label, Model.Classes);
        }
    }

    [Fact]
    public void Explain_OwnClassesModel_HeatMapOfItsPredictedClass()
    {
        using var classifier = FashionClassifier.Load(Model.Onnx);
        string image = ImageOf(Model.Labels[0]);

        Explanation e = classifier.Explain(image);

        Assert.Equal(classifier.Predict(image).LabelIndex, e.Prediction.LabelIndex);
        Assert.Equal(28 * 28, e.Heat.Length);
        Assert.Contains(e.Heat, h => h != 0);
    }

    [Fact]
    public void PredictCommand_OwnClassesModel_PrintsTheFolderNames()
    {
        string image = ImageOf("靴");
        using var classifier = FashionClassifier.Load(Model.Onnx);
        string expected = classifier.Predict(image).Label;

        var (exit, output, error) = Cli.Run("predict", "--model", Model.Onnx, "--json", image);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var row = JsonNode.Parse(output)!.AsArray().Single()!;
        Assert.Equal(expected, (string?)row["label"]);
        Assert.Equal(3, row["probabilities"]!.AsArray().Count);
    }

    [Fact]
    public async Task Serve_OwnClassesModel_ClassesAndPredictionsInTheModelsNames()
    {
        using var classifier = FashionClassifier.Load(Model.Onnx);
        await using WebApplication app = ScoringApi.Build(classifier, configure: b => b.WebHost.UseTestServer());
        await app.StartAsync();
        HttpClient client = app.GetTestClient();

        var classes = JsonNode.Parse(await client.GetStringAsync("/classes"))!.AsArray().Select(n => (string?)n);
        Assert.Equal(Model.Classes, classes);
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
        var pixels = new byte[28 * 28];
        pixels[14 * 28 + 14] = 255;

        var (score, predicted, keys) = Model.PredictWithMlNet(pixels);

        Assert.Equal(3, score.Length);
        Assert.InRange(predicted, 1u, 3u);
        Assert.Equal(Array.IndexOf(score, score.Max()) + 1, (int)predicted);
        Assert.Equal(Model.Classes, keys);
    }
}
