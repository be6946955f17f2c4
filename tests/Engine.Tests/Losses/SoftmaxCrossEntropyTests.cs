using System.Text.Json.Nodes;
using MlNetFashion.Engine.Losses;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;

// Not ".Losses" (the folder name): EngineTrainerTests writes "Losses.SoftmaxCrossEntropy", which that namespace would shadow.
namespace MlNetFashion.Engine.Tests.LossTests;

public class SoftmaxCrossEntropyTests
{
    /// <summary>Allocated on the first Forward, or up front for the batch (the trainer's way): the same results.</summary>
    [Theory]
    [InlineData("softmax_cross_entropy", false)]
    [InlineData("softmax_cross_entropy_smoothed", false)]
    [InlineData("softmax_cross_entropy", true)]
    [InlineData("softmax_cross_entropy_smoothed", true)]
    public void ForwardBackward_MatchPyTorch(string name, bool preallocated)
    {
        JsonObject f = PyTorchFixture.Load($"layers/{name}");
        int batch = f["batch"]!.GetValue<int>(), classes = f["classes"]!.GetValue<int>();
        float smoothing = PyTorchFixture.Float(f["config"]!["labelSmoothing"]);
        var loss = preallocated ? new SoftmaxCrossEntropy(classes, batch, smoothing) : new SoftmaxCrossEntropy(smoothing);
        int[] labels = PyTorchFixture.Ints(f["labels"]);

        float value = loss.Forward(PyTorchFixture.TensorOf(f["logits"], batch, new Shape(classes)), labels);

        PyTorchFixture.AssertClose([PyTorchFixture.Float(f["loss"])], [value], $"{name} loss");
        PyTorchFixture.AssertClose(PyTorchFixture.Floats(f["probabilities"]), loss.Probabilities.Span, $"{name} probabilities");
        PyTorchFixture.AssertClose(PyTorchFixture.Floats(f["logitsGradient"]), loss.Backward().Span, $"{name} logits gradient");
    }

    [Fact]
    public void Backward_MatchesFiniteDifferences()
    {
        var random = new EngineRandom(11);
        Tensor logits = LayerHarness.RandomTensor(6, new Shape(10), random, 3f);
        int[] labels = [1, 4, 4, 9, 0, 7];
        var loss = new SoftmaxCrossEntropy(labelSmoothing: 0.1f);
        loss.Forward(logits, labels);
        float[] analytic = loss.Backward().Span.ToArray();
        LayerHarness.Compare(
            "logits", logits.Data, logits.Length, analytic, () => loss.Forward(logits, labels), random, tolerance: 1e-3, samples: 60);
    }

    [Fact]
    public void Forward_MixedTargets_IsTheMixOfTheTwoLabelsLosses()
    {
        // Cross-entropy is linear in the target, so CutMix's loss is λ·L(labels) + (1 − λ)·L(mixed labels).
        Tensor logits = LayerHarness.RandomTensor(5, new Shape(10), new EngineRandom(12), 3f);
        int[] labels = [1, 4, 4, 9, 0], mixed = [2, 4, 7, 0, 0];
        var loss = new SoftmaxCrossEntropy(labelSmoothing: 0.1f);
        float own = loss.Forward(logits, labels), other = loss.Forward(logits, mixed);
        float value = loss.Forward(logits, labels, mixed, 0.3f);
        Assert.Equal(0.3 * own + 0.7 * other, value, 5);
    }

    [Fact]
    public void Backward_MixedTargets_MatchesFiniteDifferences()
    {
        var random = new EngineRandom(13);
        Tensor logits = LayerHarness.RandomTensor(6, new Shape(10), random, 3f);
        int[] labels = [1, 4, 4, 9, 0, 7], mixed = [3, 4, 0, 9, 8, 1];
        var loss = new SoftmaxCrossEntropy(labelSmoothing: 0.1f);
        loss.Forward(logits, labels, mixed, 0.65f);
        float[] analytic = loss.Backward().Span.ToArray();
        LayerHarness.Compare("logits", logits.Data, logits.Length, analytic, () => loss.Forward(logits, labels, mixed, 0.65f), random,
            tolerance: 1e-3, samples: 60);
    }

    [Fact]
    public void CountCorrect_CountsRowsWhoseArgmaxIsTheLabel()
    {
        var loss = new SoftmaxCrossEntropy();
        var logits = new Tensor([0f, 5f, 1f, 9f, 0f, 0f, 0f, 0f, 2f], 3, new Shape(3));
        loss.Forward(logits, [1, 0, 0]);
        Assert.Equal(2, loss.CountCorrect([1, 0, 0]));
        Assert.Equal(1, loss.CountCorrect([1, 1, 1]));
    }

    [Fact]
    public void Forward_LabelOutOfRange_ThrowsNamingTheRange()
    {
        var loss = new SoftmaxCrossEntropy();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => loss.Forward(new Tensor(1, new Shape(3)), [3]));
        Assert.Contains("0..2", ex.Message);
    }

    [Fact]
    public void Forward_MixedLabelOutOfRange_ThrowsNamingIt()
    {
        var loss = new SoftmaxCrossEntropy();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => loss.Forward(new Tensor(1, new Shape(3)), [0], [5], 0.5f));
        Assert.Equal("mixedLabels", ex.ParamName);
        Assert.Equal(5, ex.ActualValue);
    }
}
