using MlNetFashion.Engine.Calibration;

namespace MlNetFashion.Engine.Tests.Calibration;

public class InDistributionScoreTests
{
    [Fact]
    public void Threshold_HundredScores_TheFifthSmallest()
    {
        // k = ⌊0.05 · 101⌋ = 5: a new score passes it with probability 96/101 ≥ 95 %.
        double[] scores = [.. Enumerable.Range(1, 100).Select(i => (double)i).Reverse()];

        Assert.Equal(5, InDistributionScore.Threshold(scores));
    }

    [Fact]
    public void Threshold_FewerThanNineteenScores_TheSmallest()
    {
        double[] scores = [3, 1.5, 7, 2, 9, 4, 2.5, 8, 6, 5];

        Assert.Equal(1.5, InDistributionScore.Threshold(scores));
    }

    [Theory]
    [InlineData(20)]
    [InlineData(100)]
    [InlineData(1000)]
    public void Threshold_ScoresOfAnyCount_ANewScoreFromTheSameDistributionPassesNinetyFivePercentOfTheTime(int count)
    {
        // Uniform scores: a new one passes t with probability 1 − t exactly, averaged here over many held-out draws.
        var random = new Random(count);
        double passes = Enumerable.Range(0, 4000)
            .Select(_ => 1 - InDistributionScore.Threshold([.. Enumerable.Range(0, count).Select(_ => random.NextDouble())]))
            .Average();

        Assert.InRange(passes, 0.947, 0.96);
    }

    [Fact]
    public void Of_Energy_IsLogSumExp()
    {
        float[] logits = [1f, 2f, 3f];

        Assert.Equal(Math.Log(Math.E + Math.Exp(2) + Math.Exp(3)), InDistributionScore.Of(InDistributionScoreKind.Energy, logits), 6);
        Assert.Equal(3, InDistributionScore.Of(InDistributionScoreKind.MaxLogit, logits), 6);
    }

    public static TheoryData<InDistributionScoreKind> EveryKind => new(Enum.GetValues<InDistributionScoreKind>());

    [Theory]
    [MemberData(nameof(EveryKind))]
    public void Parse_Name_RoundTrips(InDistributionScoreKind kind) => Assert.Equal(kind,
        InDistributionScore.Parse(InDistributionScore.Name(kind)));

    [Theory]
    [InlineData(InDistributionScoreKind.FeatureDistance)]
    [InlineData(InDistributionScoreKind.FeatureDistanceAndEnergy)]
    public void FromLogits_GraphComputedKinds_False(InDistributionScoreKind kind) => Assert.False(InDistributionScore.FromLogits(kind));

    [Fact]
    public void Parse_UnknownName_Null() => Assert.Null(InDistributionScore.Parse("entropy"));
}
