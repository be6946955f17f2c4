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

    [Fact]
    public void NextUInt64_FromState1234_GivesTheXoshiro256StarStarReferenceOutputs()
    {
        // Blackman and Vigna's reference generator (xoshiro256starstar.c) from s = {1, 2, 3, 4}.
        ulong[] expected = [11520, 0, 1509978240, 1215971899390074240, 1216172134540287360, 607988272756665600];
        var random = new EngineRandom(0);
        random.SetState([1, 2, 3, 4, 0, 0]);

        Assert.Equal(expected, expected.Select(_ => random.NextUInt64()).ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(1001)]
    public void NextUInt64s_AnyLength_SameDrawsAsNextUInt64InOrder(int length)
    {
        var (bulk, single) = (new EngineRandom(13), new EngineRandom(13));
        bulk.NextUInt64();
        single.NextUInt64();
        ulong[] draws = new ulong[length];
        bulk.NextUInt64s(draws);
        Assert.Equal([.. Enumerable.Range(0, length).Select(_ => single.NextUInt64())], draws);
        Assert.Equal(single.GetState(), bulk.GetState());
    }
}
