using System.Text.Json.Nodes;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Activation;
using MlNetFashion.Engine.Layers.Convolution;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Layers.Pooling;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Tests.Harness;

/// <summary>
/// Reads the fixtures written by tests/fixtures/pytorch/make_fixtures.py (PyTorch is the oracle) and compares engine
/// results to them with |a − b| ≤ 1e-4·max(1, |b|). Tensors are flat row-major arrays beside their shapes:
/// layers/*.json (one layer or the loss each) and networks/*.json (a training step and optimizer steps).
/// </summary>
public static class PyTorchFixture
{
    public const double Tolerance = 1e-4;

    /// <summary>tests/fixtures/pytorch, found by walking up from the test binaries to the repository root.</summary>
    public static string Folder { get; } = RepositoryFolder.Find("tests", "fixtures", "pytorch");

    /// <summary>A fixture by its path under <see cref="Folder"/> without extension: "layers/relu", "networks/conv_bn_dense".</summary>
    public static JsonObject Load(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, name + ".json")))!.AsObject();

    /// <summary>The fixture names in one folder ("layers", "networks"), in ordinal order.</summary>
    public static IEnumerable<string> Names(string folder) =>
        Directory.GetFiles(Path.Combine(Folder, folder), "*.json")
            .Select(f => Path.GetFileNameWithoutExtension(f)!)
            .Order(StringComparer.Ordinal);

    /// <summary>The "kind" of a fixture: an engine layer kind ("Conv2D"), or "SoftmaxCrossEntropy".</summary>
    public static string Kind(JsonNode fixture) => fixture["kind"]!.GetValue<string>();

    public static float[] Floats(JsonNode? node) => [.. node!.AsArray().Select(v => (float)v!.GetValue<double>())];

    public static float Float(JsonNode? node) => (float)node!.GetValue<double>();

    public static int[] Ints(JsonNode? node) => [.. node!.AsArray().Select(v => v!.GetValue<int>())];

    public static Shape ShapeOf(JsonNode? node) => new(Ints(node));

    public static Tensor TensorOf(JsonNode? data, int batch, Shape shape)
    {
        float[] values = Floats(data);
        Assert.Equal(batch * shape.Size, values.Length);
        return new Tensor(values, batch, shape);
    }

    /// <summary>Kind + config (as the script writes them) → engine layer.</summary>
    public static Layer CreateLayer(string kind, JsonObject c) => kind switch
    {
        "Conv2D" => new Conv2D(Int(c, "filters"), Int(c, "kernelSize"), Int(c, "stride"), Pad(c), Bool(c, "useBias")),
        "BatchNorm2D" => new BatchNorm2D(Float(c["momentum"]), Float(c["epsilon"])),
        "BatchNorm1D" => new BatchNorm1D(Float(c["momentum"]), Float(c["epsilon"])),
        "ReLU" => new ReLU(),
        "LeakyReLU" => new LeakyReLU(Float(c["alpha"])),
        "MaxPool2D" => new MaxPool2D(Int(c, "poolSize"), Int(c, "stride"), Pad(c), Bool(c, "ceilMode")),
        "AvgPool2D" => new AvgPool2D(Int(c, "poolSize"), Int(c, "stride"), Pad(c), Bool(c, "ceilMode")),
        "GlobalAvgPool" => new GlobalAvgPool(),
        "Flatten" => new Flatten(),
        "Standardize" => new Standardize(Float(c["mean"]), Float(c["std"])),
        "Dense" => new Dense(Int(c, "units"), Bool(c, "useBias")),
        "ResidualBlock" => new ResidualBlock(Int(c, "filters"), Int(c, "stride")),
        _ => throw new ArgumentException($"fixture kind: expected a layer kind the engine has. Received \"{kind}\"."),
    };

    /// <summary>An engine optimizer from a run's "optimizer" object (kind adam or sgd, PyTorch's hyper-parameters).</summary>
    public static Optimizer CreateOptimizer(JsonObject c) => c["kind"]!.GetValue<string>() switch
    {
        "adam" => new Adam(Float(c["weightDecay"]), Float(c["beta1"]), Float(c["beta2"]), Float(c["epsilon"])),
        "sgd" => new Sgd(Float(c["momentum"]), Bool(c, "nesterov"), Float(c["weightDecay"])),
        string kind => throw new ArgumentException($"fixture optimizer: expected adam or sgd. Received \"{kind}\"."),
    };

    private static int Int(JsonObject c, string key) => c[key]!.GetValue<int>();
    private static bool Bool(JsonObject c, string key) => c[key]!.GetValue<bool>();
    private static Padding Pad(JsonObject c) => c["padding"]!.GetValue<string>() == "same" ? Padding.Same : Padding.Valid;

    /// <summary>
    /// Sets every parameter a fixture object lists ({"kernel": [...], "bias": [...]}, or for a residual block
    /// "conv1.kernel", "bn2.gamma" …) on a built layer.
    /// </summary>
    public static void SetParameters(Layer layer, JsonNode? parameters)
    {
        foreach ((string name, JsonNode? values) in parameters!.AsObject())
            Floats(values).CopyTo(FindParameter(layer, name).Value.Span);
    }

    /// <summary>AssertClose of every parameter value (or gradient) a fixture object lists against the layer's.</summary>
    public static void AssertParameters(JsonNode? expected, Layer layer, bool gradients, string what)
    {
        foreach ((string name, JsonNode? values) in expected!.AsObject())
        {
            Parameter p = FindParameter(layer, name);
            AssertClose(Floats(values), gradients ? p.Gradient.Span : p.Value.Span, $"{what} {(gradients ? "d" : "")}{name}");
        }
    }

    /// <summary>AssertClose of a batch norm's running statistics against a {"runningMean", "runningVar"} object.</summary>
    public static void AssertRunningStatistics(JsonNode? expected, BatchNorm norm, string what)
    {
        AssertClose(Floats(expected!["runningMean"]), norm.RunningMean.Span, $"{what} running mean");
        AssertClose(Floats(expected["runningVar"]), norm.RunningVariance.Span, $"{what} running variance");
    }

    /// <summary>
    /// The parameter a fixture names: "kernel", or for a residual block "conv1.kernel", "bn2.gamma",
    /// "projectionBn.beta" (its child, then the parameter).
    /// </summary>
    public static Parameter FindParameter(Layer layer, string name)
    {
        int dot = name.IndexOf('.');
        if (dot >= 0 && layer is ResidualBlock block)
        {
            Layer? child = name[..dot] switch
            {
                "conv1" => block.Conv1,
                "bn1" => block.Bn1,
                "conv2" => block.Conv2,
                "bn2" => block.Bn2,
                "projection" => block.Projection,
                "projectionBn" => block.ProjectionBn,
                _ => null,
            };
            if (child is not null) return FindParameter(child, name[(dot + 1)..]);
        }
        return layer.Parameters.FirstOrDefault(p => p.Name == name)
            ?? throw new ArgumentException(
                $"fixture parameter: expected one of {string.Join(", ", layer.Parameters.Select(p => p.Name))} on {layer.Kind}. "
                + $"Received \"{name}\".");
    }

    /// <summary>Asserts |actual − expected| ≤ 1e-4·max(1, |expected|) elementwise, naming the first entry that is not.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, received {actual.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs((double)actual[i] - expected[i]);
            if (!(error <= Tolerance * Math.Max(1, Math.Abs(expected[i]))))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:G9} (PyTorch), received {actual[i]:G9} (error {error:G3})");
        }
    }
}
