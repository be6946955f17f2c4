using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Schedules;
using MlNetFashion.Engine.Training;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Engine.Tests.Models;

/// <summary>The spec's "training" section keeps its lower-case strings; the reader turns them into the engine's enums.</summary>
public class ModelSpecTrainingTests
{
    private static string Spec(string trainingFields) =>
        """{"layers": [ {"type": "Flatten"}, {"type": "Dense", "units": 10} ], "training": {""" + trainingFields + "}}";

    internal static EngineTrainerOptions Training(string fields) => ModelSpec.Parse(Spec(fields)).Training!;

    [Theory]
    [InlineData("optimizer", "adam", OptimizerKind.Adam)]
    [InlineData("optimizer", "adamw", OptimizerKind.AdamW)]
    [InlineData("optimizer", "sgd", OptimizerKind.Sgd)]
    [InlineData("optimizer", "AdamW", OptimizerKind.AdamW)]
    [InlineData("schedule", "constant", ScheduleKind.Constant)]
    [InlineData("schedule", "step", ScheduleKind.Step)]
    [InlineData("schedule", "cosine", ScheduleKind.Cosine)]
    [InlineData("schedule", "onecycle", ScheduleKind.OneCycle)]
    public void Parse_OptimizerOrSchedule_IsTheEnumOfItsName(string field, string name, Enum expected)
    {
        EngineTrainerOptions options = Training($"\"{field}\": \"{name}\"");
        Assert.Equal(expected, field == "optimizer" ? options.Optimizer : options.Schedule);
    }

    [Fact]
    public void Parse_EarlyStoppingKeys_MakeOneEarlyStopping()
    {
        EngineTrainerOptions options = Training("\"earlyStoppingPatience\": 4, \"earlyStoppingMinDelta\": 0.01, \"monitor\": \"loss\"");
        Assert.Equal(new EarlyStopping(Patience: 4, MinDelta: 0.01f, Metric: EarlyStoppingMetric.Loss), options.EarlyStopping);
    }

    [Theory]
    [InlineData("\"weightAveraging\": \"exponential\", \"weightAveragingDecay\": 0.99", WeightAveragingKind.Exponential, 0.99f)]
    [InlineData("\"weightAveraging\": \"exponential\"", WeightAveragingKind.Exponential, 0.999f)]
    [InlineData("\"weightAveraging\": \"none\", \"weightAveragingDecay\": 0.99", WeightAveragingKind.None, 0.999f)]
    [InlineData("", WeightAveragingKind.None, 0.999f)]
    public void Parse_WeightAveraging_IsTheTypedOption(string fields, WeightAveragingKind kind, float decay)
    {
        WeightAveraging expected = kind == WeightAveragingKind.None ? WeightAveraging.None : new WeightAveraging(kind, decay);
        Assert.Equal(expected, Training(fields).WeightAveraging);
    }

    [Fact]
    public void Parse_NoTrainingFields_GivesTheDefaults()
    {
        EngineTrainerOptions options = Training("");
        Assert.Equal((OptimizerKind.AdamW, ScheduleKind.OneCycle), (options.Optimizer, options.Schedule));
        Assert.Equal(EarlyStopping.Off, options.EarlyStopping);
        Assert.Equal((true, 0.2f, true), (options.Nesterov, options.WarmupFraction, options.RestoreBestWeights));
    }

    [Fact]
    public void Parse_NesterovWarmUpAndRestoreBest_ReachTheEngineOptions()
    {
        // Keras' SGD (classic momentum), a 5 % warm-up and the last epoch's weights: settings no spec could give before.
        EngineTrainerOptions options = Training("\"nesterov\": false, \"warmupFraction\": 0.05, \"restoreBestWeights\": false");

        Assert.Equal((false, 0.05f, false), (options.Nesterov, options.WarmupFraction, options.RestoreBestWeights));
    }

    [Theory]
    [InlineData("\"optimizer\": \"rmsprop\"", "$.training.optimizer: expected one of \"adam\", \"adamw\", \"sgd\", received \"rmsprop\"")]
    [InlineData("\"optimizer\": 1", "$.training.optimizer: expected one of \"adam\", \"adamw\", \"sgd\", received 1")]
    [InlineData("\"optimizer\": \"1\"", "$.training.optimizer: expected one of \"adam\", \"adamw\", \"sgd\", received \"1\"")]
    [InlineData("\"schedule\": \"one-cycle\"",
        "$.training.schedule: expected one of \"constant\", \"step\", \"cosine\", \"onecycle\", received \"one-cycle\"")]
    [InlineData("\"monitor\": \"accuracy, loss\"",
        "$.training.monitor: expected one of \"accuracy\", \"loss\", received \"accuracy, loss\"")]
    [InlineData("\"weightAveraging\": \"ema\"",
        "$.training.weightAveraging: expected one of \"none\", \"exponential\", received \"ema\"")]
    public void Load_BadEnumValue_OneLineNamingFileAndPath(string fields, string expected)
    {
        using var temp = new TempFile("spec", ".json");
        string path = temp.Path;
        File.WriteAllText(path, Spec(fields));
        var ex = Assert.Throws<SpecException>(() => ModelSpec.Load(path));
        Assert.Equal($"{path}: {expected}", ex.Message);
    }

    [Fact]
    public void Load_EmptyFile_OneLineNamingThePathAsGiven()
    {
        using var temp = new TempFile("spec", ".json");
        File.WriteAllText(temp.Path, "");
        var ex = Assert.Throws<SpecException>(() => ModelSpec.Load(temp.Path));
        Assert.StartsWith($"{temp.Path}: malformed JSON at line 1", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
