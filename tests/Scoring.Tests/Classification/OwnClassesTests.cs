using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Scoring.Api;
using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Scoring.Tests.Classification;

/// <summary>
/// Models trained on folders of classes of the user's own (<see cref="OwnClassesModel"/>): the smallest, two classes
/// named in German with an umlaut and in Japanese, and three. The export, the library, predict and the service all speak
/// of their classes, by the folder names, in the folder's ordinal order.
/// </summary>
public sealed class OwnClassesTests
{
    private static OwnClassesModel Model(int classes) => classes == 2 ? OwnClassesModel.Two : OwnClassesModel.Three;

    [Theory]
    [InlineData(2, "[\"Stiefel-\\u00F6\",\"\\u30B5\\u30F3\\u30C0\\u30EB\"]")]
    [InlineData(3, "[\"Schuhe-\\u00E4\",\"Stiefel\",\"\\u9774\"]")]
    public void Train_OwnClassFolder_LearnsAndExportsTheFolderNames(int classes, string classNames)
    {
        OwnClassesModel model = Model(classes);

        Assert.True(model.Summary.Test.Accuracy >= 0.8, $"test accuracy {model.Summary.Test.Accuracy:P1}");
        Assert.Equal(model.Classes, model.Summary.Test.PerClass.Select(c => c.Label));
        using var session = new InferenceSession(model.Onnx);
        Assert.Equal(classNames, session.ModelMetadata.CustomMetadataMap["class_names"]);
        Assert.Equal("true", session.ModelMetadata.CustomMetadataMap[ModelFile.OwnClassesKey]);
        Assert.Equal([-1, classes], session.OutputMetadata["probabilities"].Dimensions);
        Assert.StartsWith($"Classifier of {classes} classes of the user's own, named after the training folder's subfolders",
            session.ModelMetadata.Description);
        Assert.EndsWith($"[N,{classes}].", session.ModelMetadata.Description);
        Assert.DoesNotContain("garment", session.ModelMetadata.CustomMetadataMap["preprocessing"]);
        foreach (string file in new[] { "model.zip", "metrics.json", "history.csv", "report.html", "checkpoints/best.ckpt" })
            Assert.True(File.Exists(Path.Combine(model.Directory, file)), file);
        string metrics = File.ReadAllText(Path.Combine(model.Directory, "metrics.json"));
        Assert.All(model.Classes, name => Assert.Contains(JsonSerializer.Serialize(name), metrics));
    }

    [Theory]
    [InlineData(2, "model.onnx")]
    [InlineData(2, "model.zip")]
    [InlineData(3, "model.onnx")]
    [InlineData(3, "model.zip")]
    public void Predict_OwnClassesModel_LabelsAreTheFolderNames(int classes, string file)
    {
        OwnClassesModel model = Model(classes);
        using var classifier = FashionClassifier.Load(Path.Combine(model.Directory, file));

        Assert.Equal(model.Classes, classifier.Classes);
        int right = 0;
        foreach (string label in model.Labels)
        {
            Prediction p = classifier.Predict(model.ImageOf(label));
            Assert.Equal(classes, p.Probabilities.Length);
            Assert.Equal(classifier.Classes[p.LabelIndex], p.Label);
            Assert.True(p.OwnClasses);
            Assert.Contains(p.Verdict, new[] { Prediction.KnownOwnClassVerdict, Prediction.UnknownOwnClassVerdict });
            right += p.Label == label ? 1 : 0;
        }
        Assert.True(right >= 1, "no image got its own class");
    }

    [Fact]
    public void Explain_OwnClassesModel_HeatMapOfItsPredictedClass()
    {
        OwnClassesModel model = OwnClassesModel.Three;
        using var classifier = FashionClassifier.Load(model.Onnx);
        string image = model.ImageOf(model.Labels[0]);

        Explanation e = classifier.Explain(image);

        Assert.Equal(classifier.Predict(image).LabelIndex, e.Prediction.LabelIndex);
        Assert.Equal(28 * 28, e.Heat.Length);
        Assert.Contains(e.Heat, h => h != 0);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void PredictOut_OwnClassesModel_EachRowTheVerdictOfTheClassifierInTheOwnClassesWords(int classes)
    {
        OwnClassesModel model = Model(classes);
        using var classifier = FashionClassifier.Load(model.Onnx);
        DirectoryInfo folder = Directory.CreateTempSubdirectory("own-classes-rows-");
        try
        {
            string output = Path.Combine(folder.FullName, "rows.jsonl");

            var (exit, _, error) = Cli.Run("predict", "--model", model.Onnx, model.Images, "--out", output);

            Assert.True(exit == 0, error);
            JsonNode[] rows = [.. File.ReadLines(output).Select(l => JsonNode.Parse(l)!)];
            Assert.NotEmpty(rows);
            foreach (JsonNode row in rows)
            {
                Prediction alone = classifier.Predict(Path.Combine(model.Images, (string)row["file"]!));
                Assert.Equal(alone.Label, (string)row["label"]!);
                Assert.Equal(alone.Verdict, (string)row["verdict"]!);
                Assert.Contains(alone.Verdict, new[] { Prediction.KnownOwnClassVerdict, Prediction.UnknownOwnClassVerdict });
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void PredictCommand_OwnClassesModel_PrintsTheFolderNames(int classes)
    {
        OwnClassesModel model = Model(classes);
        string[] images = [.. model.Labels.Select(model.ImageOf)];
        using var classifier = FashionClassifier.Load(model.Onnx);

        var (exit, output, error) = Cli.Run(["predict", "--model", model.Onnx, "--json", .. images]);
        var (plainExit, plain, _) = Cli.Run("predict", "--model", model.Onnx, images[0]);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var rows = JsonNode.Parse(output)!.AsArray();
        Assert.Equal(images.Select(i => classifier.Predict(i).Label), rows.Select(r => (string?)r!["label"]));
        Assert.All(rows, r => Assert.Equal(classes, r!["probabilities"]!.AsArray().Count));
        Assert.Equal(images.Select(i => classifier.Predict(i).Verdict), rows.Select(r => (string?)r!["verdict"]));
        Assert.All(rows, r => Assert.DoesNotContain("garment", (string?)r!["verdict"]));
        Assert.Equal(0, plainExit);
        Assert.Contains(classifier.Predict(images[0]).Label, plain);
    }

    [Theory]
    [InlineData(2, false)]   // the image as the request body
    [InlineData(3, true)]    // the image as a form's file, as the web page sends it
    public async Task Serve_OwnClassesModel_ClassesAndPredictionsInTheModelsNames(int classes, bool form)
    {
        OwnClassesModel model = Model(classes);
        string imagePath = model.ImageOf(model.Labels[0]);
        using var classifier = FashionClassifier.Load(model.Onnx);
        await using WebApplication app = ScoringApi.Build(classifier, configure: b => b.WebHost.UseTestServer());
        await app.StartAsync();
        HttpClient client = app.GetTestClient();

        var names = JsonNode.Parse(await client.GetStringAsync("/classes"))!.AsArray().Select(n => (string?)n);
        using var image = new ByteArrayContent(File.ReadAllBytes(imagePath));
        image.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var multipart = new MultipartFormDataContent();
        HttpContent body = image;
        if (form)
        {
            multipart.Add(image, "image", "image.png");
            body = multipart;
        }
        var response = await client.PostAsync("/predict", body);

        Assert.Equal(model.Classes, names);
        Assert.Contains("fetch('/classes')", await client.GetStringAsync("/"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var prediction = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["prediction"]!;
        Assert.Equal(classifier.Predict(imagePath).Label, (string?)prediction["label"]);
        Assert.Equal(classes, prediction["probabilities"]!.AsArray().Count);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ModelZip_OwnClassesModel_ItsOnnxGraphDescribesTheOwnClasses(int classes)
    {
        OwnClassesModel model = Model(classes);

        using var session = new InferenceSession(ModelFile.OnnxInZip(model.Zip));

        Assert.Equal("true", session.ModelMetadata.CustomMetadataMap[ModelFile.OwnClassesKey]);
        Assert.StartsWith($"Classifier of {classes} classes of the user's own", session.ModelMetadata.Description);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ModelLoad_OwnClassesZip_PredictionEngineKeysTheFolderNames(int classes)
    {
        OwnClassesModel model = Model(classes);
        var pixels = new byte[28 * 28];
        for (int y = 6; y < 22; y++) pixels[y * 28 + 14] = 255;

        var (score, predicted, keys) = model.PredictWithMlNet(pixels);

        Assert.Equal(classes, score.Length);
        Assert.InRange(predicted, 1u, (uint)classes);
        Assert.Equal(Array.IndexOf(score, score.Max()) + 1, (int)predicted);
        Assert.Equal(model.Classes, keys);
    }
}
