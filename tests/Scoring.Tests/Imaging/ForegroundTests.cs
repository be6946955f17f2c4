using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Tests.Imaging;

public class ForegroundTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(200)]
    public void Share_UniformImage_Zero(byte value) => Assert.Equal(0, Foreground.Share(Enumerable.Repeat(value, 784).ToArray()));

    [Fact]
    public void Share_OneBrightPixelOnBlack_OnePixelOf784()
    {
        var pixels = new byte[784];
        pixels[14 * 28 + 14] = 255;

        Assert.Equal(1 / 784.0, Foreground.Share(pixels), 9);
        Assert.False(Foreground.HasGarmentForeground(pixels));
    }

    [Fact]
    public void HasGarmentForeground_FirstThousandTestImages_All()
    {
        var test = TrainedModel.Test;
        Assert.All(Enumerable.Range(0, 1000), i => Assert.True(Foreground.HasGarmentForeground(test.Image(i)), $"test image {i}"));
    }

    [Fact]
    public void HasGarmentForeground_UniformNoise_False()
    {
        var pixels = new byte[784];
        new Random(4).NextBytes(pixels);

        Assert.True(Foreground.Share(pixels) > 0.5);
        Assert.False(Foreground.HasGarmentForeground(pixels));
    }

    [Fact]
    public void DarkBorderShare_BrightFrameOnBlack_Zero()
    {
        var pixels = new byte[784];
        for (int i = 0; i < 28; i++) pixels[i] = pixels[27 * 28 + i] = pixels[i * 28] = pixels[i * 28 + 27] = 200;

        Assert.Equal(0, Foreground.DarkBorderShare(pixels));
    }
}
