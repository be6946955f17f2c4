using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Engine.Tests.Onnx;

/// <summary>Reading an exported model's weights back: the graph's initializers with the folded batch norms taken out.</summary>
public sealed class OnnxWeightsTests() : TempFolderTests("onnx-weights-")
{
    public static TheoryData<string, bool> Models => new()
    {
        { "fast", true }, { "fast", false }, { "best", true }, { "mcnn-paper", true }, { "article-2x2conv", true },
        { "kfold-tutorial", true }, { "all-layers", true }, { "all-layers", false },
    };

    private static Sequential Create(string name) => name == "all-layers" ? OnnxExporterTests.AllLayers() : Presets.Get(name).CreateModel();

    /// <summary>The net <paramref name="name"/> built with weights of <paramref name="seed"/> (batch norms' statistics too).</summary>
    private static Sequential Random(string name, ulong seed, Func<Sequential, Sequential>? change = null)
    {
        Sequential model = change is null ? Create(name) : change(Create(name));
        var random = new EngineRandom(seed);
        model.Build(4, random);
        OnnxExporterTests.Randomize(model, random);
        return model;
    }

    private string Export(Sequential model, string file = "model.onnx", OnnxExportOptions? options = null)
    {
        string path = Path.Combine(Folder, file);
        File.WriteAllBytes(path, OnnxExporter.Export(model, options));
        return path;
    }

    private static float[][] Values(Sequential model) =>
        [.. model.Parameters.Select(p => p.Value.Span.ToArray()).Concat(model.Buffers.Select(b => b.Span.ToArray()))];

    /// <summary>A last Dense of <paramref name="units"/> instead of the net's head.</summary>
    private static Sequential WithHead(Sequential model, int units)
    {
        var result = new Sequential(model.InputShape);
        foreach (var layer in model.Layers.Take(model.Layers.Count - 1)) result.Add(layer);
        return result.Add(((Dense)model.Layers[^1]).WithUnits(units));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Load_ExportedModel_WeightsEqualTheExported(string name, bool foldBatchNorm)
    {
        Sequential exported = Random(name, seed: 21);
        string path = Export(exported, options: new OnnxExportOptions { FoldBatchNorm = foldBatchNorm });
        Sequential loaded = Random(name, seed: 22);

        bool headReplaced = OnnxWeights.Load(path, loaded);

        Assert.False(headReplaced);
        float[][] expected = Values(exported), actual = Values(loaded);
        Assert.Equal(expected.Length, actual.Length);
        for (int t = 0; t < expected.Length; t++)
            for (int i = 0; i < expected[t].Length; i++)
            {
                // Unfolding divides by the batch norm's scale in double and rounds once: a few float ulps at most.
                float e = expected[t][i], a = actual[t][i];
                Assert.True(Math.Abs(e - a) <= 1e-5f * Math.Max(1f, Math.Abs(e)), $"tensor {t} value {i}: exported {e}, loaded {a}");
            }
        Assert.Equal(expected[^1], actual[^1]);   // a buffer (or the head's bias) is copied, not unfolded
        Assert.Equal(OnnxExporter.Export(exported, new OnnxExportOptions { FoldBatchNorm = foldBatchNorm }).Length,
            OnnxExporter.Export(loaded, new OnnxExportOptions { FoldBatchNorm = foldBatchNorm }).Length);
    }

    [Fact]
    public void Load_ExportedModel_PredictsAsTheExported()
    {
        Sequential exported = Random("mcnn-paper", seed: 23);
        Sequential loaded = Random("mcnn-paper", seed: 24);
        OnnxWeights.Load(Export(exported), loaded);
        var random = new EngineRandom(25);
        Tensor x = LayerHarness.RandomTensor(4, Presets.Input, random, 0.5f);
        float[] expected = new float[40], actual = new float[40];

        exported.Predict(x.Span, 4, expected);
        loaded.Predict(x.Span, 4, actual);

        Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First - p.Second) < 1e-5f, $"{p.First} vs {p.Second}"));
    }

    [Theory]
    [InlineData(10, 2)]
    [InlineData(3, 5)]
    public void Load_OtherClassCount_KeepsTheNewHeadAndLoadsTheRest(int exportedClasses, int classes)
    {
        Sequential exported = Random("fast", seed: 26, m => WithHead(m, exportedClasses));
        Sequential loaded = Random("fast", seed: 27, m => WithHead(m, classes));
        var head = (Dense)loaded.Layers[^1];
        float[] freshHead = head.Kernel.Value.Span.ToArray();

        bool headReplaced = OnnxWeights.Load(Export(exported), loaded);

        Assert.True(headReplaced);
        Assert.Equal(freshHead, head.Kernel.Value.Span.ToArray());
        // Parameters in layer order, then buffers: the head's kernel and bias are the two before the buffers.
        int headStart = loaded.Parameters.Count - 2;
        float[][] expected = Values(exported), actual = Values(loaded);
        for (int t = 0; t < expected.Length; t++)
        {
            if (t == headStart || t == headStart + 1) continue;
            Assert.All(expected[t].Zip(actual[t]),
                p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-5f * Math.Max(1f, Math.Abs(p.First))));
        }
    }

    [Fact]
    public void Load_AnotherNet_RefusedNamingTheFile()
    {
        string path = Export(Random("article-2x2conv", seed: 28));
        var ex = Assert.Throws<InvalidDataException>(() => OnnxWeights.Load(path, Random("fast", seed: 29)));
        Assert.StartsWith("model.onnx: its graph does not fit this model (", ex.Message);
    }

    [Fact]
    public void Load_ForeignOnnx_RefusedNamingTheFile()
    {
        var graph = new OnnxGraph();
        graph.AddInput(OnnxExporter.InputName, 1, 28, 28);
        graph.AddNode("Identity", "copy", [OnnxExporter.InputName], ["output"]);
        graph.AddOutput("output", 1, 28, 28);
        string path = Path.Combine(Folder, "foreign.onnx");
        File.WriteAllBytes(path, graph.Serialize("torch_jit", "pytorch", "2.1", "", new Dictionary<string, string>()));

        var ex = Assert.Throws<InvalidDataException>(() => OnnxWeights.Load(path, Random("fast", seed: 30)));

        Assert.Equal("foreign.onnx: not a model MlNetFashion exported (producer \"pytorch\", no model_spec in its metadata)", ex.Message);
    }

    [Fact]
    public void Load_NotOnnx_RefusedNamingTheFile()
    {
        string path = Path.Combine(Folder, "photo.onnx");
        File.WriteAllBytes(path, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ex = Assert.Throws<InvalidDataException>(() => OnnxWeights.Load(path, Random("fast", seed: 31)));
        Assert.StartsWith("photo.onnx: not an ONNX model (", ex.Message);
    }

    [Fact]
    public void CarriesWeights_ExportWithoutBatchNormValues_False()
    {
        Sequential model = Random("fast", seed: 32);
        var graph = new OnnxGraph();
        graph.AddInput(OnnxExporter.InputName, 1, 28, 28);
        string path = Path.Combine(Folder, "older.onnx");
        File.WriteAllBytes(path, graph.Serialize("MlNetFashion", OnnxWeights.Producer, "1.0.0", "",
            new Dictionary<string, string> { ["model_spec"] = ModelSpec.ToJson(model) }));

        Assert.False(OnnxWeights.CarriesWeights(path));
        Assert.True(OnnxWeights.CarriesWeights(Export(model)));
        var ex = Assert.Throws<InvalidDataException>(() => OnnxWeights.Load(path, model));
        Assert.StartsWith("older.onnx: exported without its batch norms' values", ex.Message);
    }
}
