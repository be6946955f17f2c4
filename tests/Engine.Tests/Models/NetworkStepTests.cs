using System.Text.Json.Nodes;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Losses;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;

namespace MlNetFashion.Engine.Tests.Models;

/// <summary>
/// Small networks against PyTorch (tests/fixtures/pytorch/networks): one training step through a Sequential (logits,
/// loss, every parameter gradient, running statistics), then each recorded optimizer run (Adam, SGD with or without
/// Nesterov momentum, weight decay on kernels only) for its number of full steps from the same start.
/// </summary>
public class NetworkStepTests
{
    public static TheoryData<string> Cases => new(PyTorchFixture.Names("networks"));

    public static TheoryData<string, int> Runs
    {
        get
        {
            var runs = new TheoryData<string, int>();
            foreach (string name in PyTorchFixture.Names("networks"))
                for (int run = 0; run < PyTorchFixture.Load($"networks/{name}")["runs"]!.AsArray().Count; run++) runs.Add(name, run);
            return runs;
        }
    }

    [Fact]
    public void Runs_CoverAdamSgdAndNesterov()
    {
        var optimizers = Runs.Select(row => (JsonObject)PyTorchFixture.Load($"networks/{row[0]}")["runs"]![(int)row[1]]!["optimizer"]!)
            .Select(c => c["kind"]!.GetValue<string>() + (c["nesterov"]?.GetValue<bool>() == true ? "-nesterov" : "")).ToHashSet();
        Assert.Superset(new HashSet<string> { "adam", "sgd", "sgd-nesterov" }, optimizers);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TrainingStep_MatchesPyTorch(string name)
    {
        JsonObject f = PyTorchFixture.Load($"networks/{name}");
        (Sequential model, Tensor x, int[] labels) = Build(f);
        var loss = new SoftmaxCrossEntropy();

        Tensor logits = model.Forward(x, training: true);
        float value = loss.Forward(logits, labels);
        Tensor? gradient = loss.Backward();
        for (int i = model.Layers.Count - 1; i >= 0; i--) gradient = model.Layers[i].Backward(gradient!);

        PyTorchFixture.AssertClose(PyTorchFixture.Floats(f["logits"]), logits.Span, "logits");
        PyTorchFixture.AssertClose([PyTorchFixture.Float(f["loss"])], [value], "loss");
        Assert.Null(gradient);
        JsonArray entries = f["layers"]!.AsArray();
        for (int i = 0; i < model.Layers.Count; i++)
        {
            Layer layer = model.Layers[i];
            PyTorchFixture.AssertParameters(entries[i]!["gradients"], layer, gradients: true, $"layer {i} ({layer.Kind})");
            if (layer is BatchNorm bn) PyTorchFixture.AssertRunningStatistics(entries[i]!["buffersAfter"], bn, $"layer {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void OptimizerSteps_MatchPyTorch(string name, int run)
    {
        JsonObject f = PyTorchFixture.Load($"networks/{name}");
        JsonNode recorded = f["runs"]![run]!;
        (Sequential model, Tensor x, int[] labels) = Build(f);
        Optimizer optimizer = PyTorchFixture.CreateOptimizer(recorded["optimizer"]!.AsObject());
        float learningRate = PyTorchFixture.Float(recorded["optimizer"]!["learningRate"]);
        var loss = new SoftmaxCrossEntropy();

        int steps = recorded["steps"]!.GetValue<int>();
        for (int step = 0; step < steps; step++)
        {
            loss.Forward(model.Forward(x, training: true), labels);
            model.Backward(loss.Backward());
            optimizer.Step(model.Parameters, learningRate);
        }

        JsonArray after = recorded["after"]!.AsArray();
        Assert.Equal(model.Layers.Count, after.Count);
        for (int i = 0; i < model.Layers.Count; i++)
            PyTorchFixture.AssertParameters(after[i], model.Layers[i], gradients: false, $"{optimizer.Kind} step {steps}, layer {i}");
    }

    /// <summary>The fixture's layers in a built Sequential with PyTorch's starting weights, its input and labels.</summary>
    private static (Sequential Model, Tensor Input, int[] Labels) Build(JsonObject f)
    {
        int batch = f["batch"]!.GetValue<int>();
        var model = new Sequential(PyTorchFixture.ShapeOf(f["inputShape"]));
        JsonArray entries = f["layers"]!.AsArray();
        foreach (JsonNode? entry in entries)
            model.Add(PyTorchFixture.CreateLayer(PyTorchFixture.Kind(entry!), entry!["config"]!.AsObject()));
        model.Build(batch, new EngineRandom(1));
        Assert.Equal(PyTorchFixture.Floats(f["logits"]).Length / batch, model.OutputShape.Size);
        for (int i = 0; i < entries.Count; i++) PyTorchFixture.SetParameters(model.Layers[i], entries[i]!["params"]);
        return (model, PyTorchFixture.TensorOf(f["input"], batch, model.InputShape), PyTorchFixture.Ints(f["labels"]));
    }
}
