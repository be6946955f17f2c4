using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Tests.Imaging;

public class BackgroundModelTests
{
    private static readonly (int, int, int, int) Garment = (12, 8, 16, 24);

    [Theory]
    [InlineData(255, 255, 255)]   // white
    [InlineData(0, 0, 0)]         // black
    [InlineData(128, 128, 128)]   // grey
    [InlineData(70, 90, 120)]     // blue-grey table
    [InlineData(240, 200, 210)]   // pastel
    public void Estimate_PlainBackdrop_ItsColourAndNoSlope(float r, float g, float b)
    {
        ColorImage image = TestImages.Rectangle(40, 40, Garment, [200, 30, 30, 255], [r, g, b, 255]);
        BackgroundModel model = BackgroundModel.Estimate(image);
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(new[] { r, g, b }[c], model.Constant[c], 0.01f);
            Assert.Equal(0, model.SlopeX[c], 0.01f);
            Assert.Equal(0, model.SlopeY[c], 0.01f);
        }
        Assert.Equal(0, model.Noise, 0.01f);
    }

    [Fact]
    public void Estimate_LightingGradient_FitsThePlane()
    {
        // Grey 200 at the left edge falling to 120 at the right: c = 160 − 80·u, u = x / 39 − ½.
        var rgba = new float[4 * 40 * 30];
        for (int y = 0; y < 30; y++)
            for (int x = 0; x < 40; x++)
            {
                float level = 200 - 80f * x / 39;
                new[] { level, level, level, 255 }.CopyTo(rgba, 4 * (y * 40 + x));
            }
        var image = new ColorImage(40, 30, rgba);
        BackgroundModel model = BackgroundModel.Estimate(image);
        Assert.Equal(160, model.Constant[0], 0.01f);
        Assert.Equal(-80, model.SlopeX[0], 0.01f);
        Assert.Equal(0, model.SlopeY[0], 0.01f);
        Assert.Equal(200, model.At(0, 5, 40, 30, 1), 0.01f);
        Assert.Equal(120, model.At(39, 5, 40, 30, 2), 0.01f);
    }

    [Fact]
    public void Estimate_Vignette_FitsTheCurvatureAndTheCentreBehindTheGarment()
    {
        // A radial falloff, c = 230 − 160·(u² + v²): 230 in the centre, 150 in the corners; a dark garment in the middle.
        var rgba = new float[4 * 40 * 30];
        for (int y = 0; y < 30; y++)
            for (int x = 0; x < 40; x++)
            {
                float u = x / 39f - 0.5f, v = y / 29f - 0.5f;
                bool garment = x is >= 12 and < 28 && y is >= 8 and < 22;
                float level = garment ? 20 : 230 - 160 * (u * u + v * v);
                new[] { level, level, level, 255 }.CopyTo(rgba, 4 * (y * 40 + x));
            }
        BackgroundModel model = BackgroundModel.Estimate(new ColorImage(40, 30, rgba));
        Assert.Equal(230, model.Constant[0], 0.05f);
        Assert.Equal(-160, model.Curvature[0], 0.05f);     // u²
        Assert.Equal(-160, model.Curvature[1], 0.05f);     // v²
        Assert.Equal(0, model.Curvature[2], 0.05f);        // u·v
        Assert.Equal(150, model.At(0, 0, 40, 30, 1), 0.05f);
    }

    [Fact]
    public void Estimate_GarmentTouchingTheBorder_IgnoredByTheRefit()
    {
        // A dark garment across the whole bottom edge: a quarter of the band, left out after the first fit.
        ColorImage image = TestImages.Rectangle(40, 40, (0, 30, 40, 10), [20, 20, 20, 255], [230, 230, 230, 255]);
        BackgroundModel model = BackgroundModel.Estimate(image);
        Assert.Equal(230, model.At(20, 20, 40, 40, 0), 0.5f);
        Assert.Equal(0, model.Noise, 0.01f);
    }

    [Theory]
    [InlineData(30, 255)]    // a dark garment cut out: as if photographed on white
    [InlineData(160, 255)]   // a light grey one too: faint on white, as in the product photos
    [InlineData(240, 0)]     // a nearly white one: on black, where it shows
    public void Estimate_TransparentBorder_WhiteUnlessTheGarmentIsNearlyWhite(float garment, float expected)
    {
        ColorImage image = TestImages.Rectangle(40, 40, Garment, [garment, garment, garment, 255], [0, 0, 0, 0]);
        BackgroundModel model = BackgroundModel.Estimate(image);
        Assert.Equal([expected, expected, expected], model.Constant);
    }

    [Fact]
    public void Estimate_NoisyBackdrop_NoiseIsTheMedianDistance()
    {
        // Grey 100 with every pixel 6 levels up or down at random on all channels: every pixel at distance ~6.
        var random = new Random(1);
        var rgba = new float[4 * 30 * 30];
        for (int i = 0; i < 900; i++)
        {
            float level = random.Next(2) == 0 ? 94 : 106;
            new[] { level, level, level, 255 }.CopyTo(rgba, 4 * i);
        }
        BackgroundModel model = BackgroundModel.Estimate(new ColorImage(30, 30, rgba));
        Assert.Equal(100, model.Constant[0], 1.5f);
        Assert.InRange(model.Noise, 5f, 7f);
    }
}
