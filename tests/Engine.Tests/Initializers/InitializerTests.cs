using MlNetFashion.Engine.Initializers;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Tests.Initializers;

public class InitializerTests
{
    private const int FanIn = 288, FanOut = 64;

    [Theory]
    [InlineData("he_normal", 2.0 / FanIn)]
    [InlineData("he_uniform", 2.0 / FanIn)]
    [InlineData("glorot_uniform", 2.0 / (FanIn + FanOut))]
    public void Fill_ManyWeights_HasTheDocumentedVariance(string name, double variance)
    {
        var weights = new float[200_000];
        Initializer.FromName(name).Fill(weights, FanIn, FanOut, new EngineRandom(3));
        double mean = weights.Average(w => (double)w);
        double measured = weights.Average(w => (w - mean) * (w - mean));
        Assert.InRange(mean, -0.01 * Math.Sqrt(variance), 0.01 * Math.Sqrt(variance));
        Assert.InRange(measured, 0.98 * variance, 1.02 * variance);
    }

    [Theory]
    [InlineData("he_uniform", 6.0 / FanIn)]
    [InlineData("glorot_uniform", 6.0 / (FanIn + FanOut))]
    public void Fill_Uniform_StaysWithinTheLimit(string name, double limitSquared)
    {
        var weights = new float[50_000];
        Initializer.FromName(name).Fill(weights, FanIn, FanOut, new EngineRandom(4));
        float limit = (float)Math.Sqrt(limitSquared);
        Assert.All(weights, w => Assert.InRange(w, -limit, limit));
        Assert.True(weights.Max() > 0.99f * limit && weights.Min() < -0.99f * limit, "expected the whole range to be used");
    }

    [Fact]
    public void HeNormal_IsTruncatedAtTwoStandardDeviations()
    {
        var weights = new float[50_000];
        Initializer.HeNormal.Fill(weights, FanIn, FanOut, new EngineRandom(5));
        double truncatedStd = Math.Sqrt(2.0 / FanIn) / 0.87962566103423978;
        Assert.All(weights, w => Assert.InRange(w, -2 * truncatedStd, 2 * truncatedStd));
    }

    [Fact]
    public void Fill_SameSeed_SameWeights_ZerosClears()
    {
        float[] a = new float[100], b = new float[100];
        Initializer.GlorotUniform.Fill(a, 10, 10, new EngineRandom(9));
        Initializer.GlorotUniform.Fill(b, 10, 10, new EngineRandom(9));
        Assert.Equal(a, b);
        Initializer.Zeros.Fill(a, 10, 10, new EngineRandom(9));
        Assert.All(a, w => Assert.Equal(0f, w));
    }

    [Fact]
    public void FromName_Unknown_ThrowsNamingTheChoices()
    {
        var ex = Assert.Throws<ArgumentException>(() => Initializer.FromName("lecun"));
        Assert.Contains("he_normal", ex.Message);
        Assert.Contains("lecun", ex.Message);
    }
}
