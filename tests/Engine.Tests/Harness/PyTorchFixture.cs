using System.Text.Json.Nodes;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Tests.Harness;

/// <summary>
/// Reads the fixtures written by tests/fixtures/pytorch/make_fixtures.py (Debian's torch, float64) and compares
/// engine values to them with |a − b| ≤ 1e-4 · max(1, |b|).
/// </summary>
public static class PyTorchFixture
{
    public const double Tolerance = 1e-4;

    public static JsonObject Load(string name)
    {
        string dir = AppContext.BaseDirectory;
        while (!Directory.Exists(Path.Combine(dir, "tests", "fixtures", "pytorch"))) dir = Path.GetDirectoryName(dir) ?? throw new DirectoryNotFoundException("tests/fixtures/pytorch not found above the test binaries");
        return JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "tests", "fixtures", "pytorch", name + ".json")))!.AsObject();
    }

    public static int[] Shape(JsonNode node) => [.. node["shape"]!.AsArray().Select(v => (int)v!)];
    public static float[] Data(JsonNode node) => [.. node["data"]!.AsArray().Select(v => (float)(double)v!)];

    /// <summary>A tensor [N, ...] from a fixture tensor.</summary>
    public static Tensor Tensor(JsonNode node)
    {
        int[] shape = Shape(node);
        return new Tensor(Data(node), shape[0], new Shape(shape[1..]));
    }

    public static void AssertClose(JsonNode expected, ReadOnlySpan<float> actual, string what)
    {
        float[] e = Data(expected);
        Assert.True(e.Length == actual.Length, $"{what}: expected {e.Length} values, received {actual.Length}");
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - actual[i]) <= Tolerance * Math.Max(1, Math.Abs(e[i])), $"{what}[{i}]: PyTorch {e[i]:G7}, engine {actual[i]:G7}");
    }
}
