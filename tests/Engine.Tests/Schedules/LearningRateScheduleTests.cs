using MlNetFashion.Engine.Schedules;

namespace MlNetFashion.Engine.Tests.Schedules;

public class LearningRateScheduleTests
{
    private static float[] Rates(LearningRateSchedule schedule, long totalSteps, float baseRate = 1f) =>
        [.. Enumerable.Range(0, (int)totalSteps).Select(t => schedule.At(t, totalSteps, baseRate))];

    [Fact]
    public void Constant_EveryStep_TheBaseRate()
    {
        Assert.All(Rates(LearningRateSchedule.Create(ScheduleKind.Constant), 50, 0.02f), rate => Assert.Equal(0.02f, rate));
    }

    [Fact]
    public void Step_ByDefault_TimesOneTenthAfterEachThirdOfTheRun()
    {
        float[] rates = Rates(LearningRateSchedule.Create(ScheduleKind.Step), 90, 0.3f);

        Assert.All(rates[..30], rate => Assert.Equal(0.3f, rate));
        Assert.All(rates[30..60], rate => Assert.Equal(0.3f * 0.1f, rate));
        Assert.All(rates[60..], rate => Assert.Equal(0.3f * 0.1f * 0.1f, rate, 1e-9f));
    }

    [Theory]
    [InlineData(0, 10, 0.5f, new[] { 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f })]
    [InlineData(1, 10, 0.5f, new[] { 1f, 1f, 1f, 1f, 1f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f })]
    [InlineData(4, 10, 0.5f, new[] { 1f, 1f, 0.5f, 0.5f, 0.25f, 0.25f, 0.125f, 0.125f, 0.0625f, 0.0625f })]
    [InlineData(3, 3, 0.1f, new[] { 1f, 0.1f, 0.01f })]
    public void Step_DropsAndFactor_EqualStagesOfTheRun(int drops, int totalSteps, float factor, float[] expected)
    {
        Assert.Equal(expected, Rates(new StepSchedule(drops, factor), totalSteps), new ToleranceComparer(1e-7f));
    }

    [Fact]
    public void Step_PastTheLastStep_StaysAtTheLastStage()
    {
        var schedule = new StepSchedule();
        Assert.Equal(schedule.At(99, 100, 1f), schedule.At(250, 100, 1f));
    }

    [Theory]
    [InlineData(-1, 0.1f)]
    [InlineData(2, 0f)]
    [InlineData(2, float.NaN)]
    public void Step_NegativeDropsOrFactorNotPositive_Throws(int drops, float factor)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepSchedule(drops, factor));
    }

    [Fact]
    public void Cosine_WarmsUpLinearlyThenDecaysToZero()
    {
        float[] rates = Rates(LearningRateSchedule.Create(ScheduleKind.Cosine, warmupFraction: 0.1f), 100);

        Assert.Equal(0.1f, rates[0], 1e-6f);
        Assert.Equal(1f, rates[9], 1e-6f);
        Assert.Equal(1f, rates[10], 1e-6f);
        Assert.True(rates[99] < 1e-3f, $"last rate {rates[99]}");
        for (int t = 11; t < 100; t++) Assert.True(rates[t] < rates[t - 1], $"step {t}: {rates[t]} ≥ {rates[t - 1]}");
    }

    [Fact]
    public void OneCycle_RisesFromOneTwentyFifthToThePeakThenFallsToOneTenThousandth()
    {
        float[] rates = Rates(LearningRateSchedule.Create(ScheduleKind.OneCycle, warmupFraction: 0.2f), 1000);

        Assert.Equal(1f / 25, rates[0], 1e-6f);
        Assert.Equal(1f, rates[200], 1e-6f);
        Assert.Equal(rates.Max(), rates[200]);
        Assert.Equal(1e-4f, rates[999], 1e-5f);
        for (int t = 1; t <= 200; t++) Assert.True(rates[t] > rates[t - 1], $"step {t}: {rates[t]} ≤ {rates[t - 1]}");
        for (int t = 201; t < 1000; t++) Assert.True(rates[t] < rates[t - 1], $"step {t}: {rates[t]} ≥ {rates[t - 1]}");
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance * Math.Max(1f, Math.Abs(y));
        public int GetHashCode(float obj) => 0;
    }
}
