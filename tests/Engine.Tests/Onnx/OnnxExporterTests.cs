using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;
using MlNetFashion.Tests.Shared;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;

namespace MlNetFashion.Engine.Tests.Onnx;

public class OnnxExporterTests
{
    public static TheoryData<string, bool> Models => new()
    {
        { "mcnn-paper", true }, { "mcnn-paper", false }, { "fast", true }, { "best", true }, { "article-2x2conv", true },
        { "article-3conv", true }, { "kfold-tutorial", true }, { "all-layers", true }, { "all-layers", false },
    };

    /// <summary>Every layer kind, with pads (Keras same, ceil mode) and both kinds of batch norm placement.</summary>
    internal static Sequential AllLayers() => new ModelBuilder(Presets.Input)
        .Standardize(0.286f, 0.353f)
        .Conv2D(6, 3, Padding.Same).BatchNorm().LeakyReLU(0.1f)
        .MaxPool2D(3, 2, ceilMode: true)
        .Conv2D(8, 2, Padding.Same, stride: 2).ReLU().BatchNorm()
        .AvgPool2D(2, 2, Padding.Same)
        .Residual(8).Residual(12, 2)
        .Dropout(0.3f)
        .Flatten().Dense(16).BatchNorm().ReLU().Dense(10).Build();

    private static Sequential Create(string name) => name == "all-layers" ? AllLayers() : Presets.Get(name).CreateModel();

    [Theory]
    [MemberData(nameof(Models))]
    public void Export_OnnxRuntimeMatchesEngine(string name, bool foldBatchNorm)
    {
        const int count = 5;
        (Sequential model, Tensor x) = RandomModelAndImages(name, seed: 11, count);
        byte[] onnx = OnnxExporter.Export(model, new OnnxExportOptions { FoldBatchNorm = foldBatchNorm });
        AssertOnnxRuntimeMatches(model, onnx, x, count);
    }

    /// <summary>
    /// seed001 puts BatchNorm after the ReLU: with every γ &gt; 0 the first four move behind their MaxPool and the last
    /// two fold into the Dense layers after them; one negative γ in the fifth keeps it as a node (max would not commute).
    /// </summary>
    [Theory]
    [InlineData(false, 4)]
    [InlineData(true, 5)]
    public void Export_MovesOrFoldsBatchNormAfterReluOnlyWhenExact(bool negateOneScale, int expectedBatchNormNodes)
    {
        Sequential model = Presets.McnnPaper();
        var random = new EngineRandom(12);
        model.Build(8, random);
        Randomize(model, random);
        var norms = model.Layers.OfType<MlNetFashion.Engine.Layers.Normalization.BatchNorm>().ToList();
        foreach (var bn in norms)
        {
            Span<float> gamma = bn.Gamma.Value.Span;
            for (int c = 0; c < gamma.Length; c++) gamma[c] = Math.Abs(gamma[c]) + 0.1f;
        }
        if (negateOneScale) norms[4].Gamma.Value.Span[3] *= -1;
        int count = 5;
        Tensor x = LayerHarness.RandomTensor(count, Presets.Input, random, 0.5f);
        for (int i = 0; i < x.Length; i++) x.Data[i] = Math.Clamp(x.Data[i] + 0.5f, 0f, 1f);

        byte[] onnx = OnnxExporter.Export(model, new OnnxExportOptions());

        AssertOnnxRuntimeMatches(model, onnx, x, count);
        Assert.Equal(expectedBatchNormNodes, Occurrences(onnx, "BatchNormalization"));
    }

    private static int Occurrences(byte[] haystack, string text)
    {
        byte[] needle = System.Text.Encoding.ASCII.GetBytes(text);
        int found = 0;
        for (int i = haystack.AsSpan().IndexOf(needle); i >= 0;)
        {
            found++;
            int next = haystack.AsSpan(i + 1).IndexOf(needle);
            i = next < 0 ? -1 : i + 1 + next;
        }
        return found;
    }

    [Theory]
    [InlineData("seed004", true, 1)]
    [InlineData("seed001", true, 2)]   // crops of 2 still give one-pixel shifts
    [InlineData("seed004", false, 1)]  // crops only: five views, no mirror
    public void Export_WithTestTimeViews_OnnxRuntimeAveragesTheSameViewsAsTheEngine(string name, bool flip, int cropPadding)
    {
        const int count = 7;
        (Sequential model, Tensor x) = RandomModelAndImages(name, seed: 13, count);
        TestTimeViews views = TestTimeViews.For(new AugmentationOptions(cropPadding, flip))!;
        byte[] onnx = OnnxExporter.Export(model, new OnnxExportOptions { TestTimeViews = views });
        AssertOnnxRuntimeMatches(model, onnx, x, count, views);
        Assert.Equal(1, Occurrences(onnx, "test_time_augmentation"));
        // The views matter for this model and these images, so a wrong view in the graph would show above the tolerance.
        var single = new float[count * 10];
        var averaged = new float[count * 10];
        model.Predict(x.Span, count, single);
        views.Predict(model, x.Span, count, averaged);
        double effect = single.Zip(averaged, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(effect > 1e-2, $"expected the views to change some probability by more than 0.01, found {effect:G3}");
    }

    /// <summary>The named model built with random weights, and <paramref name="count"/> random images in [0, 1].</summary>
    private static (Sequential Model, Tensor Images) RandomModelAndImages(string name, ulong seed, int count)
    {
        Sequential model = Create(name);
        var random = new EngineRandom(seed);
        model.Build(8, random);
        Randomize(model, random);
        Tensor x = LayerHarness.RandomTensor(count, Presets.Input, random, 0.3f);
        for (int i = 0; i < x.Length; i++) x.Data[i] = Math.Clamp(x.Data[i] + 0.3f, 0f, 1f);
        return (model, x);
    }

    private static void AssertOnnxRuntimeMatches(Sequential model, byte[] onnx, Tensor x, int count, TestTimeViews? views = null)
    {
        var expected = new float[count * 10];
        if (views is null) model.Predict(x.Span, count, expected);
        else views.Predict(model, x.Span, count, expected);
        using var session = new InferenceSession(onnx);
        var input = new DenseTensor(x.Span.ToArray(), [count, 1, 28, 28]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor<float>(OnnxExporter.InputName, input)]);
        float[] actual = results.First(r => r.Name == OnnxExporter.ProbabilitiesName).AsEnumerable<float>().ToArray();

        Assert.Equal(expected.Length, actual.Length);
        double maxDiff = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(maxDiff <= 1e-4, $"max |engine − ONNX Runtime| = {maxDiff:G3}");
    }

    [Fact]
    public void Export_DeclaresDynamicBatchAndMetadata()
    {
        Sequential model = Presets.Article2x2Conv().Build(2, new EngineRandom(1));
        string[] names = [.. Enumerable.Range(0, 10).Select(i => $"c{i}")];
        byte[] onnx = OnnxExporter.Export(
            model, new OnnxExportOptions { ClassNames = names, NetName = "article-2x2conv", TestAccuracy = 0.9, TestImages = 500 });
        using var session = new InferenceSession(onnx);
        Assert.Equal([-1, 1, 28, 28], session.InputMetadata[OnnxExporter.InputName].Dimensions);
        Assert.Equal([-1, 10], session.OutputMetadata[OnnxExporter.ProbabilitiesName].Dimensions);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(names), session.ModelMetadata.CustomMetadataMap["class_names"]);
        Assert.Equal("article-2x2conv", session.ModelMetadata.CustomMetadataMap["preset"]);
        Assert.Equal("0.9000", session.ModelMetadata.CustomMetadataMap["test_accuracy"]);
        Assert.Equal("500", session.ModelMetadata.CustomMetadataMap["test_images"]);
        Assert.Equal(1, session.ModelMetadata.Version);   // unset, ONNX Runtime reported long.MaxValue
    }

    [Fact]
    public void Export_NoDescriptionOrPreprocessing_DescribesTheModelsOwnShapes()
    {
        Sequential model = new ModelBuilder(new Shape(1, 12, 10)).Flatten().Dense(3).Build();
        model.Build(2, new EngineRandom(1));

        using var session = new InferenceSession(OnnxExporter.Export(model));

        Assert.Equal("Image classifier. Input: pixels / 255 as float [N,1,12,10]. Outputs: logits and softmax probabilities [N,3].",
            session.ModelMetadata.Description);
        Assert.Equal("input = pixels / 255", session.ModelMetadata.CustomMetadataMap["preprocessing"]);
    }

    [Fact]
    public void Export_DescriptionAndPreprocessingGiven_WritesThemWithTheGraphsStandardization()
    {
        Sequential model = new ModelBuilder(new Shape(1, 4, 4)).Standardize(0.5f, 0.25f).Flatten().Dense(2).Build();
        model.Build(2, new EngineRandom(1));
        var options = new OnnxExportOptions { Description = "digits, 4×4", Preprocessing = "dark ink on white; input = pixels / 255" };

        using var session = new InferenceSession(OnnxExporter.Export(model, options));

        Assert.Equal("digits, 4×4", session.ModelMetadata.Description);
        Assert.Equal("dark ink on white; input = pixels / 255, then (x - 0.5) / 0.25 inside the graph",
            session.ModelMetadata.CustomMetadataMap["preprocessing"]);
    }

    [Fact]
    public void Export_ClassNamesOfAnotherCountThanTheOutputs_Refused()
    {
        // They were written as given: two names for ten outputs told a consumer that output 2 had no class.
        Sequential model = Presets.Article2x2Conv().Build(2, new EngineRandom(1));

        var ex = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model, new OnnxExportOptions { ClassNames = ["x", "y"] }));

        Assert.StartsWith("ONNX export: 2 class names for a model with 10 outputs.", ex.Message);
    }

    /// <summary>The official checker (python3-onnx), with its full check.</summary>
    [PythonOnnxFact]
    public void Export_AllLayers_PassesOfficialOnnxChecker()
    {
        Sequential model = AllLayers();
        model.Build(2, new EngineRandom(1));
        using var temp = new TempFile("mlnetfashion-check", ".onnx");
        string path = temp.Path;
        File.WriteAllBytes(path, OnnxExporter.Export(model, new OnnxExportOptions()));
        (int exit, string output) = Python.Run("-c", $"import onnx; m = onnx.load('{path}'); "
            + "onnx.checker.check_model(m, full_check=True); print('ok', m.opset_import[0].version, m.ir_version)");
        Assert.True(exit == 0, "onnx.checker rejected the model: " + output);
        Assert.Contains("ok 17 8", output);
    }

    /// <summary>Non-trivial weights and batch-norm statistics, so folding and pads are really exercised.</summary>
    internal static void Randomize(Sequential model, EngineRandom random)
    {
        foreach (var p in model.Parameters)
        {
            Span<float> v = p.Value.Span;
            for (int i = 0; i < v.Length; i++) v[i] += (float)(random.NextGaussian() * 0.1);
        }
        foreach (var b in model.Buffers)
        {
            Span<float> v = b.Span;
            for (int i = 0; i < v.Length; i++) v[i] = Math.Abs(v[i] + (float)(random.NextGaussian() * 0.2)) + 0.05f;
        }
    }
}
