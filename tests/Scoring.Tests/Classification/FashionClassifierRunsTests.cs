using System.Text.Json.Nodes;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Tests.Classification;

/// <summary>
/// How many ONNX Runtime runs a classifier makes, counted from ONNX Runtime's own profile: every session the classifier
/// creates writes one when it ends, with a "model_run" event per run (ML.NET's and the explanations' to files of their own).
/// </summary>
public class FashionClassifierRunsTests
{
    public static TheoryData<string> Models => new() { "trained.onnx", "trained.zip", "reordered.zip", "reordered.onnx", "own.onnx" };

    private static string PathOf(string model) => model switch
    {
        "trained.onnx" => TrainedModel.Onnx,
        "trained.zip" => TrainedModel.Zip,
        "reordered.zip" => ReorderedModel.Zip,
        "reordered.onnx" => ReorderedModel.Onnx,
        "own.onnx" => OwnClassesModel.Three.Onnx,
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, null),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Predict_PngBytes_OneOnnxRuntimeRunPerImage(string model)
    {
        const int images = 3;
        int runs = CountRuns(PathOf(model), classifier =>
        {
            for (int i = 0; i < images; i++) classifier.Predict(Png(i));
        });

        Assert.Equal(images, runs);
    }

    [Fact]
    public void ExplainPixels_AfterPredict_OneRunForThePredictionAndOneForTheOccludedCopies()
    {
        int runs = CountRuns(TrainedModel.Onnx, classifier =>
        {
            classifier.Predict(Png(0));
            classifier.ExplainPixels(TrainedModel.Test.Image(0));
        });

        Assert.Equal(1 + 2, runs);
    }

    [Fact]
    public void Predict_WithoutExplain_CreatesNoExplanationSession()
    {
        string dir = Directory.CreateTempSubdirectory("onnx-profile-").FullName;
        try
        {
            using (var classifier = FashionClassifier.LoadProfiled(TrainedModel.Onnx, new ClassifierOptions(), Path.Combine(dir, "ort")))
                classifier.Predict(Png(0));

            Assert.NotEmpty(Directory.GetFiles(dir, "ort" + SessionOptionsSource.PredictSuffix + "*"));
            Assert.Empty(Directory.GetFiles(dir, "ort" + SessionOptionsSource.ExplainSuffix + "*"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static byte[] Png(int index) =>
        ImagePreprocessor.EncodePng(new GrayImage(28, 28, TrainedModel.Test.Image(index).ToArray()));

    /// <summary>The runs of every session a classifier of <paramref name="model"/> creates while <paramref name="use"/> runs.</summary>
    private static int CountRuns(string model, Action<FashionClassifier> use)
    {
        string dir = Directory.CreateTempSubdirectory("onnx-profile-").FullName;
        try
        {
            using (var classifier = FashionClassifier.LoadProfiled(model, new ClassifierOptions(), Path.Combine(dir, "ort")))
                use(classifier);
            string[] profiles = Directory.GetFiles(dir);
            Assert.NotEmpty(profiles);
            return profiles.Sum(RunsIn);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int RunsIn(string profile) =>
        JsonNode.Parse(File.ReadAllText(profile))!.AsArray().Count(e => (string?)e!["name"] == "model_run");
}
