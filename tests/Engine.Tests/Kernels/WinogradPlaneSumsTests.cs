using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>
/// The Winograd kernels' forward with plane sums: y keeps its bits, and each plane's (Σy, Σy²) are the bits
/// <see cref="FusedPasses.SumAndDot"/> gives on the finished plane, which a batch norm on y would compute itself.
/// </summary>
public class WinogradPlaneSumsTests
{
    /// <summary>The output passes that write y's planes.</summary>
    public enum OutputPath
    {
        /// <summary>F(2×2): the per-tile scalar transforms.</summary>
        Scalar,

        /// <summary>F(2×2): tile rows in the vector lanes, whatever the map's width.</summary>
        TileRows,

        /// <summary>F(2×2): eight images in the lanes on maps of at most two tiles a row, tile rows on wider ones.</summary>
        Default,

        /// <summary>F(4×4, 3×3).</summary>
        Winograd4x4,
    }

    /// <summary>
    /// Shapes (batch, channels, filters, h, w), each slice of three threads one or several eight-image groups with and without a
    /// remainder on maps of at most two tiles a row; several chunks; odd and even maps; two tile rows per vector (7², 8²).
    /// </summary>
    private static readonly (int, int, int, int, int)[] Shapes =
    [
        (70, 6, 9, 4, 4), (300, 4, 3, 2, 2), (53, 3, 4, 3, 4), (26, 2, 3, 1, 1), (11, 3, 4, 7, 7), (40, 6, 9, 8, 8), (9, 5, 3, 5, 7),
        (70, 16, 8, 14, 14),
    ];

    public static TheoryData<OutputPath, int, int, int, int, int> Cases()
    {
        var cases = new TheoryData<OutputPath, int, int, int, int, int>();
        foreach (OutputPath path in Enum.GetValues<OutputPath>())
            foreach ((int batch, int channels, int filters, int h, int w) in Shapes) cases.Add(path, batch, channels, filters, h, w);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_WithPlaneSums_SameOutputBitsAndSumsOfEachFinishedPlane(OutputPath path, int batch, int channels, int filters,
        int h, int w)
    {
        (Window rows, Window cols) = WinogradCase.For(h, w);
        // Three threads: slices of uneven length, each writing its own images' sums.
        WinogradConvolution kernel = path switch
        {
            OutputPath.Scalar => new WinogradKernel(channels, filters, rows, cols, 3, vector: false),
            OutputPath.TileRows => new WinogradKernel(channels, filters, rows, cols, 3, vector: true, imageLanes: false),
            OutputPath.Default => new WinogradKernel(channels, filters, rows, cols, 3),
            _ => new Winograd4x4Kernel(channels, filters, rows, cols, 3),
        };
        var random = new EngineRandom((ulong)(batch * 131 + h * 7 + w + (int)path));
        float[] x = Values(random, batch * channels * h * w), weights = Values(random, 9 * filters * channels);
        float[] bias = Values(random, filters);
        float[] expected = new float[batch * filters * h * w], y = new float[expected.Length];
        float[] sums = [.. Enumerable.Repeat(float.NaN, 2 * batch * filters)];

        kernel.Forward(x, batch, weights, bias, expected);
        kernel.Forward(x, batch, weights, bias, y, sums);

        BitAssert.Equal(expected, y, $"{path} y");
        int hw = h * w;
        for (int plane = 0; plane < batch * filters; plane++)
        {
            ReadOnlySpan<float> values = y.AsSpan(plane * hw, hw);
            var (sum, dot) = FusedPasses.SumAndDot(values, values);
            BitAssert.Equal([sum, dot], sums.AsSpan(2 * plane, 2), $"{path} sums of plane {plane}");
        }
    }

    [Fact]
    public void Forward_TooFewPlaneSums_Throws()
    {
        (Window rows, Window cols) = WinogradCase.For(4, 4);
        var kernel = new WinogradKernel(2, 3, rows, cols, 1);
        var exception = Assert.Throws<ArgumentException>(() =>
            kernel.Forward(new float[2 * 2 * 16], 2, new float[9 * 6], default, new float[2 * 3 * 16], new float[2 * 2 * 3 - 1]));
        Assert.Contains("expected room for 12 plane sums", exception.Message);
    }

    private static float[] Values(EngineRandom random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => random.NextSingle() - 0.5f)];
}
