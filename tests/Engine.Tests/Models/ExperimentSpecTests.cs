using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Tests.Models;

/// <summary>The spec files behind README's "what we tried" figures (benchmarks/experiments) still load and build.</summary>
public class ExperimentSpecTests
{
    private static string Folder() => RepositoryFolder.Find("benchmarks", "experiments");

    [Fact]
    public void ExperimentSpecs_AllParse_WithATrainingSection()
    {
        string[] files = Directory.GetFiles(Folder(), "*.json");
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            ModelSpec spec = ModelSpec.Load(file);
            Assert.True(spec.Training is not null, $"{Path.GetFileName(file)}: expected a \"training\" section");
            spec.CreateModel().Build(2, new EngineRandom(1));
        }
    }

    [Theory]
    [InlineData("fast-noaug-batch64-lr8e-3-ema0.999.json", 8)]
    [InlineData("fast-noaug-batch64-lr8e-3-ema0.999-7epochs.json", 7)]
    [InlineData("fast-noaug-batch64-lr8e-3-ema0.999-6epochs.json", 6)]
    public void WeightAveragingSpec_IsTheFastRecipeWithExponentialAverage(string file, int epochs)
    {
        Preset fast = Presets.Get("fast");
        ModelSpec spec = ModelSpec.Load(Path.Combine(Folder(), file));
        EngineTrainerOptions expected = fast.Defaults with
        {
            Epochs = epochs,
            WeightAveraging = new WeightAveraging(WeightAveragingKind.Exponential, 0.999f),
        };
        Assert.Equal(expected, spec.Training);
    }

    [Theory]
    [InlineData("fast", "fast-noaug-batch64-lr8e-3.json")]
    [InlineData("best", "best-crop1-mirror-erasing0.5-batch64-lr5e-3-22epochs-tta.json")]
    [InlineData("seed001", "seed001-monitor-loss.json")]
    public void PresetSpec_HasThePresetsNetAndTrainingSettings(string name, string file)
    {
        // README's row for the preset and its "what we tried" rows compare against this file.
        Preset preset = Presets.Get(name);
        ModelSpec spec = ModelSpec.Load(Path.Combine(Folder(), file));
        Sequential presetNet = preset.CreateModel(), specNet = spec.CreateModel();
        presetNet.Build(1, new EngineRandom(1));
        specNet.Build(1, new EngineRandom(1));
        Assert.Equal(presetNet.Summary(), specNet.Summary());
        Assert.Equal(preset.Defaults, spec.Training);
    }
}
