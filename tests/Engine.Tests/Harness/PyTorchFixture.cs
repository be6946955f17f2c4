using System.Text.Json.Nodes;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Activation;
using MlNetFashion.Engine.Layers.Convolution;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Layers.Pooling;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Tests.Harness;

/// <summary>
/// Reads the fixtures written by tests/fixtures/pytorch/make_fixtures.py (PyTorch 1.13 is the oracle) and compares
/// engine results to them with |a − b| ≤ 1e-4·max(1, |b|). Two formats: layers/*.json and network_step.json (flat
/// arrays plus shapes), and the top-level float64 set of seed_fixtures.py ({"shape", "data"} tensors).
/// </summary>
public static class PyTorchFixture
{
    public const double Tolerance = 1e-4;

    /// <summary>tests/fixtures/pytorch, found by walking up from the test binaries to the repository root.</summary>
    public static string Folder { get; } = RepositoryFolder.Find("tests", "fixtures", "pytorch");

    /// <summary>"layers/relu.json", "network_step.json", or a top-level name without extension ("linear").</summary>
    public static JsonObject Load(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, name.EndsWith(".json", StringComparison.Ordinal) ? name : name + ".json")))!.AsObject();

    // The top-level fixtures (seed_fixtures.py) store tensors as {"shape": [...], "data": [...]}.
    public static int[] Shape(JsonNode node) => [.. node["shape"]!.AsArray().Select(v => (int)v!)];
    public static float[] Data(JsonNode node) => [.. node["data"]!.AsArray().Select(v => (float)(double)v!)];

    /// <summary>A tensor [N, ...] from a {"shape", "data"} fixture tensor.</summary>
    public static Tensor Tensor(JsonNode node)
    {
        int[] shape = Shape(node);
        return new Tensor(Data(node), shape[0], new Shape(shape[1..]));
    }

    /// <summary>AssertClose against a {"shape", "data"} fixture tensor.</summary>
    public static void AssertClose(JsonNode expected, ReadOnlySpan<float> actual, string what) => AssertClose(Data(expected), actual, what);

    /// <summary>Names of the single-layer fixtures of one kind ("Conv2D"), or of all layer kinds when null.</summary>
    public static IEnumerable<string> LayerCases(Func<string, bool> kind) =>
        Directory.GetFiles(Path.Combine(Folder, "layers"), "*.json")
            .Select(f => Path.GetFileNameWithoutExtension(f))
            .Where(name => kind(Load(Path.Combine("layers", name + ".json"))["kind"]!.GetValue<string>()))
            .Order(StringComparer.Ordinal);

    public static float[] Floats(JsonNode? node) => node!.AsArray().Select(v => (float)v!.GetValue<double>()).ToArray();

    public static int[] Ints(JsonNode? node) => node!.AsArray().Select(v => v!.GetValue<int>()).ToArray();

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
        "Conv2D" => new Conv2D(Int(c, "filters"), Int(c, "kernelSize"), Int(c, "stride"), Pad(c), c["useBias"]!.GetValue<bool>()),
        "BatchNorm2D" => new BatchNorm2D(Float(c, "momentum"), Float(c, "epsilon")),
        "BatchNorm1D" => new BatchNorm1D(Float(c, "momentum"), Float(c, "epsilon")),
        "ReLU" => new ReLU(),
        "LeakyReLU" => new LeakyReLU(Float(c, "alpha")),
        "MaxPool2D" => new MaxPool2D(Int(c, "poolSize"), Int(c, "stride"), Pad(c), c["ceilMode"]!.GetValue<bool>()),
        "AvgPool2D" => new AvgPool2D(Int(c, "poolSize"), Int(c, "stride"), Pad(c), c["ceilMode"]!.GetValue<bool>()),
        "GlobalAvgPool" => new GlobalAvgPool(),
        "Flatten" => new Flatten(),
        "Standardize" => new Standardize(Float(c, "mean"), Float(c, "std")),
        "Dense" => new Dense(Int(c, "units"), c["useBias"]!.GetValue<bool>()),
        "ResidualBlock" => new ResidualBlock(Int(c, "filters"), Int(c, "stride")),
        _ => throw new ArgumentException($"fixture kind: expected a layer kind the engine has. Received \"{kind}\"."),
    };

    private static int Int(JsonObject c, string key) => c[key]!.GetValue<int>();
    private static float Float(JsonObject c, string key) => (float)c[key]!.GetValue<double>();
    private static Padding Pad(JsonObject c) => c["padding"]!.GetValue<string>() == "same" ? Padding.Same : Padding.Valid;

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
                "conv1" => block.Conv1, "bn1" => block.Bn1, "conv2" => block.Conv2, "bn2" => block.Bn2,
                "projection" => block.Projection, "projectionBn" => block.ProjectionBn, _ => null,
            };
            if (child is not null) return FindParameter(child, name[(dot + 1)..]);
        }
        return layer.Parameters.FirstOrDefault(p => p.Name == name)
            ?? throw new ArgumentException($"fixture parameter: expected one of {string.Join(", ", layer.Parameters.Select(p => p.Name))} on {layer.Kind}. Received \"{name}\".");
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
