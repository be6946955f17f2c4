using Microsoft.ML;
using MlNetFashion.Engine.Checkpoints;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Training;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Trainer;
using MlNetFashion.Pipeline.Transforms;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Pipeline.Tests.Trainer;

/// <summary>A resume continues a checkpoint only under the settings that wrote it, and says which ones differ.</summary>
public sealed class ResumeSettingsTests() : TempFolderTests("resume-")
{
    private FashionCnnTrainer.Options Run(int epochs, int batchSize = 32, ulong seed = 3, bool resume = false, string preset = "two-conv")
        => new()
        {
            Preset = Presets.Get(preset).Kind, Epoch = epochs, BatchSize = batchSize, Seed = seed, ValidationSetFraction = 0,
            CheckpointDirectory = Path.Combine(Folder, "checkpoints"), Resume = resume,
        };

    private static void Fit(FashionCnnTrainer.Options options, int images = 200)
    {
        var ml = new MLContext(seed: 1);
        ml.Transforms.ScalePixels().Append(ml.MulticlassClassification.Trainers.FashionCnn(options))
            .Fit(new FashionMnistDataView(RealData.Data.Train.Take(images)));
    }

    private string Last => Path.Combine(Folder, "checkpoints", CheckpointWriter.LastFile);

    [Fact]
    public void Fit_ResumingUnderAnotherBatchSizeAndSeed_RefusesNamingTheFileAndBothValuesAndKeepsTheCheckpoint()
    {
        Fit(Run(epochs: 1));
        byte[] before = File.ReadAllBytes(Last);

        var error = Assert.Throws<InvalidDataException>(() => Fit(Run(epochs: 2, batchSize: 64, seed: 4, resume: true)));

        Assert.Contains(Last, error.Message);
        Assert.Contains("batch size 32 → 64", error.Message);
        Assert.Contains("seed 3 → 4", error.Message);
        Assert.DoesNotContain("epochs", error.Message);   // more epochs is what a resume is for
        Assert.Equal(before, File.ReadAllBytes(Last));
    }

    [Fact]
    public void Fit_ResumingWithWeightAveragingAfterARunWithout_RefusesNamingBoth()
    {
        Fit(Run(epochs: 1));
        FashionCnnTrainer.Options averaging = Run(epochs: 2, resume: true);
        averaging.WeightAveraging = new WeightAveraging(WeightAveragingKind.Exponential, 0.99f);
        var error = Assert.Throws<InvalidDataException>(() => Fit(averaging));
        Assert.Contains(Last, error.Message);
        Assert.Contains("weight averaging none → exponential", error.Message);
    }

    [Fact]
    public void Fit_ResumingOnAnotherTrainingSetSize_Refuses()
    {
        Fit(Run(epochs: 1));
        var error = Assert.Throws<InvalidDataException>(() => Fit(Run(epochs: 2, resume: true), images: 300));
        Assert.Contains("training images 200 → 300", error.Message);
    }

    [Fact]
    public void Fit_ResumingWithMoreEpochs_ContinuesFromTheCheckpoint()
    {
        Fit(Run(epochs: 1));
        Fit(Run(epochs: 2, resume: true));
        var header = CheckpointFile.Read(Last).Header;
        Assert.Equal(2, header.Epoch);
        Assert.Equal(2, header.History.Count);
    }

    [Fact]
    public void Fit_CheckpointWrittenUnderThePresetsOldName_ResumesUnderItsNewName()
    {
        Fit(Run(epochs: 1));
        // What a checkpoint of the preset's former name carries in its options.
        var header = CheckpointFile.Read(Last).Header;
        Assert.Contains("\"Preset\":\"two-conv\"", header.OptionsJson);
        ResumeSettings old = ResumeSettings.Parse(header.OptionsJson) with { Preset = "seed004" };
        var model = Engine.Models.Presets.TwoConv();
        model.Build(1, new Engine.Tensors.EngineRandom(0));

        ResumeSettings.Check(Last, header with { OptionsJson = old.ToJson() }, ResumeSettings.Parse(header.OptionsJson), model);

        Fit(Run(epochs: 2, resume: true, preset: "SEED004"));
        Assert.Equal(2, CheckpointFile.Read(Last).Header.Epoch);
    }

    [Fact]
    public void Check_AnotherPreset_RefusesNamingBoth()
    {
        Fit(Run(epochs: 1));
        var error = Assert.Throws<InvalidDataException>(() => Fit(Run(epochs: 2, resume: true, preset: "seed000")));
        Assert.Contains("preset two-conv → article-2x2conv", error.Message);
    }

    [Fact]
    public void Check_WeightsOfAnotherNetUnderTheSameName_RefusesNamingTheFile()
    {
        // A model spec edited between the runs keeps its name: the tensors tell.
        Fit(Run(epochs: 1));
        var header = CheckpointFile.Read(Last).Header;
        var other = Engine.Models.Presets.KFoldTutorial();
        other.Build(1, new Engine.Tensors.EngineRandom(0));
        var settings = ResumeSettings.Parse(header.OptionsJson);

        var error = Assert.Throws<InvalidDataException>(() => ResumeSettings.Check(Last, header, settings, other));

        Assert.Contains(Last, error.Message);
        Assert.Contains("do not fit model 'two-conv'", error.Message);
    }

    [Fact]
    public void Parse_OptionsOfACheckpointWrittenBeforeTheNewFields_ReadsTheOldOnesAndLeavesTheRestUncompared()
    {
        // The older options JSON that checkpoints written before the settings header still carry.
        var old = ResumeSettings.Parse("""{"preset":"fast","Epochs":8,"BatchSize":64,"Optimizer":"adamw","LearningRate":0.005,"Seed":1}""");

        Assert.Equal(new ResumeSettings("fast", 8, 64, OptimizerKind.AdamW, 0.005f, 1UL), old);
        Assert.Null(old.TrainImages);
        Assert.Equal(ResumeSettings.Parse("not json"), ResumeSettings.Parse(null));
    }

    [Fact]
    public void ToJson_WritesTheEnumsAsTheSpecSpellsThem_AndParseReadsThemBack()
    {
        var settings = new ResumeSettings("mcnn-paper", 100, 128, OptimizerKind.Adam, 0.001f, 1UL, Monitor: EarlyStoppingMetric.Loss);

        string json = settings.ToJson();

        Assert.Contains("\"Optimizer\":\"adam\"", json);
        Assert.Contains("\"Monitor\":\"loss\"", json);
        Assert.Equal(settings, ResumeSettings.Parse(json));
    }
}
