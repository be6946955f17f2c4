using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Tests.Tensors;

public class EngineRandomTests
{
    [Fact]
    public void SetState_AfterGetState_ReplaysTheSameStream()
    {
        var random = new EngineRandom(42);
        random.NextGaussian();
        ulong[] state = random.GetState();
        double[] first = [random.NextGaussian(), random.NextDouble(), random.Next(1000)];

        var other = new EngineRandom(7);
        other.SetState(state);
        double[] second = [other.NextGaussian(), other.NextDouble(), other.Next(1000)];

        Assert.Equal(first, second);
    }

    [Fact]
    public void Next_ManyDraws_CoversRangeUniformly()
    {
        var random = new EngineRandom(1);
        var counts = new int[10];
        for (int i = 0; i < 100_000; i++) counts[random.Next(10)]++;
        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }
}
