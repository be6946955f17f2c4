using CsCheck;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>
/// A 3×3 stride-1 'same' convolution to check a Winograd kernel on: odd and even maps, tiny maps, batches of one or many chunks.
/// </summary>
public sealed record WinogradCase(int Batch, int Channels, int Filters, int Height, int Width, bool Bias, int Seed)
{
    /// <summary>Random cases whose batch is drawn from <paramref name="batches"/> (small, or past a kernel's chunk).</summary>
    public static Gen<WinogradCase> Random(Gen<int> batches) =>
        Gen.Select(batches, Gen.Int[1, 9], Gen.Int[1, 7], Gen.Int[1, 15], Gen.Int[1, 15], Gen.Bool, Gen.Int[0, 10_000])
            .Select(t => new WinogradCase(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6, t.Item7));

    public (Window Rows, Window Cols) Windows => For(Height, Width);

    public static (Window Rows, Window Cols) For(int h, int w) =>
        (Window.Create(h, 3, 1, Padding.Same, false, "rows"), Window.Create(w, 3, 1, Padding.Same, false, "cols"));

    /// <summary>The kernel's three passes against the direct definition on this case.</summary>
    public void Check(IConvolutionKernel kernel) =>
        ConvolutionCheck.AgainstReference(kernel, Batch, Channels, Filters, Windows.Rows, Windows.Cols, Bias, Seed, ToString());
}
