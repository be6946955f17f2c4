namespace MlNetFashion.Scoring.Imaging;

/// <summary>
/// The size of an image held in one row-major array of <c>channels</c> values a pixel (pixel (x, y)'s channel c at
/// <c>channels·(y·Width + x) + c</c>), checked against the array's length.
/// </summary>
/// <param name="length">The array's length.</param>
/// <param name="values">What the array holds, for the error ("pixels", "values").</param>
public abstract class Raster(int width, int height, int channels, int length, string values)
{
    public int Width { get; } = length == channels * width * height
        ? width
        : throw new ArgumentException($"expected {channels * width * height} {values}, received {length}");

    public int Height { get; } = height;
}
