using MlNetFashion.Pipeline.Data;

namespace MlNetFashion.Pipeline.Tests.Data;

public class StratifiedSplitTests
{
    private static readonly int[] Labels = [.. Enumerable.Range(0, 1000).Select(i => i % 10)];

    [Fact]
    public void Split_TenPercent_HoldsOutTenPercentOfEveryClass()
    {
        var (train, holdout) = StratifiedSplit.Split(Labels, 0.1f, seed: 3);
        Assert.Equal(100, holdout.Length);
        Assert.All(holdout.GroupBy(i => Labels[i]), g => Assert.Equal(10, g.Count()));
        Assert.Empty(train.Intersect(holdout));
        Assert.Equal(1000, train.Length + holdout.Length);
    }

    [Fact]
    public void Split_SameSeed_SameSplit_OtherSeed_OtherSplit()
    {
        Assert.Equal(StratifiedSplit.Split(Labels, 0.2f, 7).Holdout, StratifiedSplit.Split(Labels, 0.2f, 7).Holdout);
        Assert.NotEqual(StratifiedSplit.Split(Labels, 0.2f, 7).Holdout, StratifiedSplit.Split(Labels, 0.2f, 8).Holdout);
    }

    [Fact]
    public void Folds_PartitionTheRowsWithBalancedClasses()
    {
        int[][] folds = StratifiedSplit.Folds(Labels, 4, seed: 1);
        Assert.Equal(Enumerable.Range(0, 1000), folds.SelectMany(f => f).Order());
        Assert.All(folds, f => Assert.All(f.GroupBy(i => Labels[i]), g => Assert.Equal(25, g.Count())));
    }
}
