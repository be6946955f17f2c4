using MlNetFashion.Engine.Calibration;

namespace MlNetFashion.Engine.Tests.Calibration;

public class InDistributionScoreTests
{
    [Fact]
    public void Threshold_HundredScores_AcceptsNinetyFive()
    {
        double[] scores = [.. Enumerable.Range(1, 100).Select(i => (double)i).Reverse()];

        double threshold = InDistributionScore.Threshold(scores);

        Assert.Equal(95, scores.Count(s => s >= threshold));
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
