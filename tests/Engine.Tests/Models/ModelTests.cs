using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Tests.Models;

public class ModelTests
{
    [Fact]
    public void Summary_McnnPaper_ShowsThePapersParameterCounts()
    {
        Sequential model = Presets.McnnPaper().Build(1, new EngineRandom(1));
        Assert.Equal((213_354L, 211_690L, 1_664L), ModelSummary.Count(model));
        string summary = model.Summary();
        Assert.Contains("Total params: 213,354", summary);
        Assert.Contains("Trainable params: 211,690", summary);
        Assert.Contains("Non-trainable params: 1,664", summary);
        Assert.Contains("conv2d_1 (Conv2D)", summary);
        Assert.Contains("(None, 32, 28, 28)", summary);
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("best")]
    [InlineData("article-2x2conv")]
    [InlineData("mcnn-paper")]
    [InlineData("article-3conv")]
    [InlineData("kfold-tutorial")]
    [InlineData("two-conv")]
    public void ModelSpec_RoundTrip_GivesTheSameSummary(string preset)
    {
        Sequential model = Presets.Get(preset).CreateModel();
        model.Build(1, new EngineRandom(1));
        Sequential again = ModelSpec.Parse(ModelSpec.ToJson(model)).CreateModel();
        again.Build(1, new EngineRandom(1));
        Assert.Equal(model.Summary(), again.Summary());
    }

    [Theory]
    [InlineData(
        "{\"layers\": [ {\"type\": \"Flatten\"} ], \"training\": {\"convolution\": \"fft\"}}",
        "m.json: $.training.convolution: expected one of \"auto\", \"im2col\", \"winograd\", \"winograd4x4\", received \"fft\"")]
    [InlineData(
        "{\"layers\": [ {\"type\": \"Conv2D\", \"filters\": \"abc\", \"kernelSize\": 3} ]}",
        "m.json: $.layers[0].filters: expected a positive integer, received \"abc\"")]
    [InlineData("{\"layers\": [ {\"type\": \"Conv3D\"} ]}", "m.json: $.layers[0].type: expected one of Conv2D")]
    [InlineData("{\"layers\": [ ]}", "m.json: $.layers: expected a non-empty array")]
    [InlineData("{\"layers\": [ {\"type\": \"Dense\", \"units\": 10} ]}", "Dense 'dense_1': expected a feature shape (F)")]
    [InlineData("{\"layers\": [ {\"type\": \"Flatten\"}, ", "m.json: malformed JSON at line 1")]
    [InlineData("{\"input\": [1, -28, 28], \"layers\": [ {\"type\": \"Flatten\"} ]}", "m.json: $.input: expected positive dimensions")]
    [InlineData(
        "{\"layers\": [ {\"type\": \"Flatten\"} ], \"training\": {\"monitor\": \"f1\"}}",
        "m.json: $.training.monitor: expected one of \"accuracy\", \"loss\", received \"f1\"")]
    [InlineData(
        "{\"layers\": [ {\"type\": \"Flatten\"} ], \"training\": {\"epoch\": 1, \"batchsize\": 7}}",
        "m.json: $.training.epoch: unknown key (expected epochs, batchSize, optimizer, learningRate, weightDecay, momentum, "
            + "nesterov, adamEpsilon, schedule, warmupFraction, labelSmoothing, weightAveraging, weightAveragingDecay, cropPadding, "
            + "horizontalFlip, erasingProbability, cutMixProbability, testTimeAugmentation, validationFraction, earlyStoppingPatience, "
            + "earlyStoppingMinDelta, monitor, restoreBestWeights, reduceOnPlateauPatience, reduceOnPlateauFactor, "
            + "reduceOnPlateauMinDelta, convolution)")]
    [InlineData(
        "{\"layers\": [ {\"type\": \"Flatten\"}, {\"type\": \"Dense\", \"units\": 10, \"activation\": \"relu\"} ]}",
        "m.json: $.layers[1].activation: unknown key for Dense (expected type, units, useBias, kernelInitializer)")]
    [InlineData(
        "{\"layers\": [ {\"type\": \"Flatten\"}, {\"type\": \"Dense\", \"unit\": 10} ]}",
        "m.json: $.layers[1].unit: unknown key for Dense (expected type, units, useBias, kernelInitializer)")]
    [InlineData(
        "{\"layers\": [ {\"type\": \"ReLU\", \"alpha\": 0.1}, {\"type\": \"Flatten\"} ]}",
        "m.json: $.layers[0].alpha: unknown key for ReLU (expected type)")]
    [InlineData(
        "{\"layers\": [ {\"type\": \"Flatten\"} ], \"trainig\": {\"epochs\": 1}}",
        "m.json: $.trainig: unknown key (expected input, layers, training)")]
    [InlineData("{\"layers\": [ {\"type\": \"Flatten\"} ], \"training\": 5}", "m.json: $.training: expected an object, received 5")]
    // A key given twice: "An item with the same key has already been added. Key: units", naming no file.
    [InlineData(
        "{\"layers\": [ {\"type\": \"Flatten\"},\n {\"type\": \"Dense\", \"units\": 10,\n \"units\": 5} ]}",
        "m.json: $.layers[1].units: the key is given twice in one object (line 3)")]
    [InlineData(
        "{\"layers\": [ {\"type\": \"Flatten\"} ], \"training\": {\"epochs\": [1, 2], \"epochs\": 2}}",
        "m.json: $.training.epochs: the key is given twice in one object (line 1)")]
    [InlineData("{\"layers\": [ {\"type\": \"Flatten\"} ], \"layers\": []}", "m.json: $.layers: the key is given twice")]
    public void ModelSpec_Malformed_OneLineNamingTheField(string json, string expected)
    {
        var ex = Assert.Throws<SpecException>(() => ModelSpec.Parse(json, "m.json"));
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Presets_Unknown_ListsTheKnownOnesWithTheirAliases()
    {
        var ex = Assert.Throws<ArgumentException>(() => Presets.Get("seed999"));
        Assert.Equal("preset: expected one of fast, best, article-2x2conv (seed000), mcnn-paper (seed001), article-3conv (seed002), "
            + "kfold-tutorial (seed003), two-conv (seed004). Received \"seed999\".", ex.Message);
    }

    [Theory]
    [InlineData("seed000", PresetKind.Article2x2Conv)]
    [InlineData("seed001", PresetKind.McnnPaper)]
    [InlineData("SEED002", PresetKind.Article3Conv)]
    [InlineData("seed003", PresetKind.KFoldTutorial)]
    [InlineData("Seed004", PresetKind.TwoConv)]
    [InlineData("MCNN-Paper", PresetKind.McnnPaper)]
    [InlineData("fast", PresetKind.Fast)]
    public void Presets_OldNameOrAnyCase_IsThePresetOfItsKind(string asked, PresetKind kind)
    {
        Assert.Equal(kind, Presets.Get(asked).Kind);
    }

    [Fact]
    public void Presets_EveryKind_IsOnePresetInDeclarationOrderNamedAsTheKind()
    {
        Assert.Equal(Enum.GetValues<PresetKind>(), Presets.All.Select(p => p.Kind));
        foreach (PresetKind kind in Enum.GetValues<PresetKind>())
        {
            Preset preset = Presets.Get(kind);
            Assert.Same(preset, Presets.Get(preset.Name));
            // McnnPaper is "mcnn-paper", Article2x2Conv "article-2x2conv": the enum spells the name without its dashes.
            Assert.Equal(kind.ToString().ToLowerInvariant(), preset.Name.Replace("-", "", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Presets_EveryNameAndAlias_IsOneOfAKind()
    {
        string[] names = [.. Presets.All.SelectMany(p => new[] { p.Name, p.Alias }).OfType<string>().Select(n => n.ToLowerInvariant())];
        Assert.Equal(names.Length, names.Distinct().Count());
        Assert.Equal(5, Presets.All.Count(p => p.Alias is not null));
    }

    [Fact]
    public void Build_BatchPastWhatATensorHolds_NamesTheBatchSizeAndTheLayer()
    {
        // fast's first convolution: 100,000 × 32 × 28 × 28 = 2.5 billion floats, past Array.MaxLength (int arithmetic
        // would wrap to a small positive length and hand out a short buffer).
        Sequential model = Presets.Fast();
        var ex = Assert.Throws<ArgumentException>(() => model.Build(100_000, new EngineRandom(1)));
        Assert.StartsWith("batch size 100,000: Conv2D 'conv2d_1' (input (1, 28, 28)) cannot allocate its buffers", ex.Message);
        Assert.Contains("2,508,800,000 floats", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void ModelSpec_TrainingConvolution_ReachesTheRecipe()
    {
        ModelSpec spec = ModelSpec.Parse(
            """{"layers": [ {"type": "Flatten"}, {"type": "Dense", "units": 10} ], "training": {"convolution": "winograd4x4"}}""");
        Assert.Equal(Engine.Kernels.ConvolutionAlgorithm.Choice.Winograd4x4, spec.Training!.Convolution);
        ModelSpec empty = ModelSpec.Parse("""{"layers": [ {"type": "Flatten"}, {"type": "Dense", "units": 10} ], "training": {}}""");
        Assert.Null(empty.Training!.Convolution);
    }
}
