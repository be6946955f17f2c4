using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Pipeline;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Scoring.Tests.Classification;

/// <summary>
/// A model whose outputs are in the order its label was keyed (Ankle boot first). FashionClassifier named output k after
/// Fashion-MNIST's class k, and predict --idx compared output k with label k: both were right about 10 % of the time.
/// </summary>
public class ClassOrderTests
{
    [Fact]
    public void ReorderedModel_OutputsAreNotInClassOrder()
    {
        // What the tests below rely on: the fixture really is out of order.
        using var session = new InferenceSession(ReorderedModel.Onnx);
        Assert.StartsWith("[\"Ankle boot\",\"T-shirt/top\"", session.ModelMetadata.CustomMetadataMap[OnnxExporter.ClassNamesKey]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FashionClassifier_ModelKeyedInAnotherOrder_NamesAndIndicesFollowFashionMnist(bool onnx)
    {
        using var classifier = FashionClassifier.Load(onnx ? ReorderedModel.Onnx : ReorderedModel.Zip);
        var test = TrainedModel.Test;
        var predictions =
            Enumerable.Range(0, 300).Select(i => (Label: test.Labels[i], Prediction: classifier.PredictPixels(test.Image(i)))).ToList();

        int right = predictions.Count(p => p.Prediction.LabelIndex == p.Label);
        Assert.True(right >= 210, $"{right}/300 right");
        Assert.All(predictions, p => Assert.Equal(FashionMnistClasses.Names[p.Prediction.LabelIndex], p.Prediction.Label));
        Assert.All(predictions, p => Assert.Equal(p.Prediction.Probabilities.Max(), p.Prediction.Probabilities[p.Prediction.LabelIndex]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BatchScorer_ModelKeyedInAnotherOrder_ScoresInClassOrderAsFashionClassifierDoes(bool onnx)
    {
        string model = onnx ? ReorderedModel.Onnx : ReorderedModel.Zip;
        using var scorer = BatchScorer.Load(model);
        using var classifier = FashionClassifier.Load(model);
        var test = TrainedModel.Test.Take(200);

        float[] probabilities = scorer.Score(test.Pixels, test.Count).Probabilities;

        int right = Enumerable.Range(0, test.Count)
            .Count(i => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(probabilities.AsSpan(i * 10, 10)) == test.Labels[i]);
        Assert.True(right >= 140, $"{right}/200 right");
        for (int i = 0; i < test.Count; i++)
        {
            float[] expected = classifier.PredictPixels(test.Image(i)).Probabilities;
            for (int c = 0; c < 10; c++) Assert.Equal(expected[c], probabilities[i * 10 + c], 1e-5f);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Evaluate_ModelKeyedInAnotherOrder_ScoresAgainstTheOfficialLabels(bool onnx)
    {
        // evaluate's path: ML.NET's Evaluate compares Score slot k with the test set's label key k.
        var ml = new MLContext(seed: 1);
        var model = ModelFile.LoadForPixels(ml, onnx ? ReorderedModel.Onnx : ReorderedModel.Zip);

        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(new FashionMnistDataView(TrainedModel.Test.Take(1000))));

        Assert.True(metrics.MicroAccuracy >= 0.7, $"accuracy {metrics.MicroAccuracy:P1}");
    }
}
