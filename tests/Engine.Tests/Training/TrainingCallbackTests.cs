using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Tests.Training;

public class TrainingCallbackTests
{
    /// <summary>
    /// Feeds (validation loss, validation accuracy) pairs to early stopping's callback; returns the epoch it stopped at (0: never).
    /// </summary>
    private static int StopEpoch(EarlyStopping criteria, params (float Loss, float Accuracy)[] epochs)
    {
        ITrainingCallback stopping = criteria.CreateCallback()!;
        var control = new TrainingControl();
        for (int e = 0; e < epochs.Length; e++)
        {
            stopping.OnEpochEnd(new EpochMetrics(e + 1, 0.5f, 0.8f, epochs[e].Loss, epochs[e].Accuracy, 1e-3f, 1, 1), control);
            if (control.StopRequested) return e + 1;
        }
        return 0;
    }

    // Validation loss bottoms out at epoch 2 while accuracy keeps rising: the overfitting Keras' default monitor catches.
    private static readonly (float, float)[] LossRisesAccuracyRises =
        [(0.40f, 0.85f), (0.30f, 0.88f), (0.31f, 0.89f), (0.33f, 0.90f), (0.36f, 0.91f)];

    [Fact]
    public void EarlyStopping_MonitorLoss_StopsWhenValidationLossStallsThoughAccuracyStillRises()
    {
        Assert.Equal(5, StopEpoch(new EarlyStopping(3, Metric: EarlyStoppingMetric.Loss), LossRisesAccuracyRises));
    }

    [Fact]
    public void EarlyStopping_MonitorAccuracy_KeepsGoingWhileAccuracyRises()
    {
        Assert.Equal(0, StopEpoch(new EarlyStopping(3), LossRisesAccuracyRises));
    }

    [Fact]
    public void EarlyStopping_MinDelta_GainsNoLargerThanItDoNotCount()
    {
        (float, float)[] smallGains = [(0.4f, 0.850f), (0.4f, 0.855f), (0.4f, 0.860f)];
        Assert.Equal(3, StopEpoch(new EarlyStopping(2, MinDelta: 0.01f), smallGains));
        Assert.Equal(0, StopEpoch(new EarlyStopping(2), smallGains));
    }

    [Fact]
    public void Score_IsHigherForTheBetterEpochUnderEitherMonitor()
    {
        var better = new EpochMetrics(2, 0.3f, 0.9f, 0.25f, 0.91f, 1e-3f, 1, 1);
        var worse = new EpochMetrics(1, 0.4f, 0.8f, 0.35f, 0.87f, 1e-3f, 1, 1);
        EarlyStopping byLoss = new(Metric: EarlyStoppingMetric.Loss), byAccuracy = new(Metric: EarlyStoppingMetric.Accuracy);
        Assert.True(byLoss.Score(better) > byLoss.Score(worse));
        Assert.True(byAccuracy.Score(better) > byAccuracy.Score(worse));
        Assert.Equal(-0.25f, byLoss.Score(better));
    }

    [Fact]
    public void Improves_SameAccuracyAtALowerLoss_RanksTheEpochAboveTheBestOnAccuracyOnly()
    {
        var best = new EpochMetrics(5, 0.54f, 1f, 0.63f, 1f, 8e-3f, 1, 1);
        var tiedLowerLoss = new EpochMetrics(16, 0.51f, 1f, 0.53f, 1f, 1e-6f, 1, 1);
        var tiedHigherLoss = new EpochMetrics(6, 0.53f, 1f, 0.68f, 1f, 7e-3f, 1, 1);
        var lessAccurate = new EpochMetrics(7, 0.52f, 1f, 0.40f, 0.99f, 6e-3f, 1, 1);
        EarlyStopping byAccuracy = EarlyStopping.Off, byLoss = EarlyStopping.Off with { Metric = EarlyStoppingMetric.Loss };

        Assert.True(byAccuracy.Improves(best, null));
        Assert.True(byAccuracy.Improves(tiedLowerLoss, best));
        Assert.False(byAccuracy.Improves(tiedHigherLoss, best));
        Assert.False(byAccuracy.Improves(lessAccurate, best));
        Assert.False(byAccuracy.Improves(best, best));
        Assert.True(byLoss.Improves(lessAccurate, best));
        Assert.False(byLoss.Improves(tiedHigherLoss, best));
    }

    [Fact]
    public void Improves_MinDelta_AGainWithinItIsNoImprovementAndATieStillGoesByLoss()
    {
        var best = new EpochMetrics(1, 0.5f, 0.8f, 0.40f, 0.850f, 1e-3f, 1, 1);
        var smallGain = new EpochMetrics(2, 0.5f, 0.8f, 0.45f, 0.855f, 1e-3f, 1, 1);
        var tie = new EpochMetrics(3, 0.5f, 0.8f, 0.30f, 0.850f, 1e-3f, 1, 1);
        var withDelta = new EarlyStopping(Patience: 0, MinDelta: 0.01f);

        Assert.False(withDelta.Improves(smallGain, best));
        Assert.True(withDelta.Improves(tie, best));
    }

    /// <summary>Feeds validation losses to the plateau; returns the learning-rate scale after each epoch.</summary>
    private static float[] Scales(ReduceLearningRateOnPlateau plateau, params float[] losses)
    {
        var control = new TrainingControl();
        return [.. losses.Select((loss, e) =>
        {
            plateau.OnEpochEnd(new EpochMetrics(e + 1, 0.5f, 0.8f, loss, 0.9f, 1e-3f, 1, 1), control);
            return control.LearningRateScale;
        })];
    }

    // A flat validation loss that still creeps down by 3e-5 an epoch: Keras' min_delta (1e-4) calls it a plateau.
    private static readonly float[] CreepingLoss = [0.30000f, 0.29997f, 0.29994f, 0.29991f, 0.29988f, 0.29985f, 0.29982f];

    [Fact]
    public void CreateCallback_PatienceZero_IsNone()
    {
        Assert.Null(EarlyStopping.Off.CreateCallback());
        Assert.NotNull(new EarlyStopping(Patience: 1).CreateCallback());
    }

    [Fact]
    public void EarlyStopping_StopReason_NamesTheMetricAsTheSpecSpellsIt()
    {
        var control = new TrainingControl();
        ITrainingCallback stopping = new EarlyStopping(1, Metric: EarlyStoppingMetric.Loss).CreateCallback()!;
        foreach (int epoch in new[] { 1, 2 }) stopping.OnEpochEnd(new EpochMetrics(epoch, 0.5f, 0.8f, 0.3f, 0.9f, 1e-3f, 1, 1), control);
        Assert.Equal("early stopping: no validation-loss gain for 1 epochs", control.StopReason);
    }

    [Fact]
    public void ReduceOnPlateau_KerasMinDelta_HalvesTheRateWhenTheLossOnlyCreepsDown()
    {
        // Epoch 4 halves; by epoch 5 the loss has fallen 1.2e-4 below the best, which counts as progress again.
        Assert.Equal([1f, 1f, 1f, 0.5f, 0.5f, 0.5f, 0.5f], Scales(new ReduceLearningRateOnPlateau(3), CreepingLoss));
    }

    [Fact]
    public void ReduceOnPlateau_ZeroMinDelta_CountsEveryFallAsProgress()
    {
        Assert.All(Scales(new ReduceLearningRateOnPlateau(3, minDelta: 0f), CreepingLoss), scale => Assert.Equal(1f, scale));
    }

    [Fact]
    public void ReduceOnPlateau_ClearFalls_KeepTheRateAndAStallLowersIt()
    {
        Assert.Equal([1f, 1f, 1f, 1f, 1f, 0.5f],
            Scales(new ReduceLearningRateOnPlateau(2), 0.5f, 0.4f, 0.41f, 0.39f, 0.3901f, 0.3902f));
    }
}
