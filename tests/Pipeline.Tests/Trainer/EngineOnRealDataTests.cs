using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Pipeline.Tests.Trainer;

public class EngineOnRealDataTests
{
    [Fact]
    public void Seed004_TwoEpochsOnTenThousandImages_ReachesEightyFivePercentOnTheTestSet()
    {
        var train = RealData.Data.Train.Take(10_000);
        // two-conv's architecture; Adam at batch 32 with a one-cycle schedule (constant 1e-3 reaches ~84 % in two epochs).
        var trainer = new EngineTrainer(Presets.TwoConv(), Presets.Get("two-conv").Defaults with
        {
            Epochs = 2,
            BatchSize = 32,
            LearningRate = 0.003f,
            Schedule = Engine.Schedules.ScheduleKind.OneCycle,
            Seed = 1,
        });
        var history = trainer.Fit(new LabeledImages(train.ScaledPixels(), train.IntLabels(), Presets.Input),
            new LabeledImages(RealData.Data.Test.ScaledPixels(), RealData.Data.Test.IntLabels(), Presets.Input)).History;
        Assert.True(history[^1].ValidationAccuracy >= 0.85, $"test accuracy {history[^1].ValidationAccuracy:P2}");
    }
}
