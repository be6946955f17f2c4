using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Tensors;
using Choice = MlNetFashion.Engine.Kernels.ConvolutionAlgorithm.Choice;

namespace MlNetFashion.Engine.Tests.Kernels;

/// <summary>
/// Kernels of several geometries sharing one <see cref="ConvolutionScratch"/> must give the bits of kernels with scratch of
/// their own, whatever another kernel left in it: nothing in it may live from one call to the next.
/// </summary>
public class ConvolutionScratchTests
{
    private const int Batch = 9, Threads = 2;

    // (channels, filters, side): row transforms (28², 14²), tile pairs (7²), eight images in the lanes (4², 2²).
    private static readonly (int C, int F, int Side)[] Layers = [(8, 8, 28), (8, 16, 14), (16, 16, 7), (16, 8, 4), (8, 8, 2)];

    [Theory]
    [InlineData(Choice.Winograd)]
    [InlineData(Choice.Winograd4x4)]
    [InlineData(Choice.Im2Col)]
    public void ForwardBackward_KernelsSharingScratch_SameBitsAsScratchOfTheirOwn(Choice choice)
    {
        var shared = new ConvolutionScratch();
        IConvolutionKernel[] own = [.. Layers.Select(l => Create(l, choice, null))];
        IConvolutionKernel[] sharing = [.. Layers.Select(l => Create(l, choice, shared))];
        shared.Allocate();
        Type kernelType = choice switch
        {
            Choice.Winograd => typeof(WinogradKernel),
            Choice.Winograd4x4 => typeof(Winograd4x4Kernel),
            _ => typeof(ConvolutionKernel),
        };
        Assert.All(sharing, k => Assert.IsType(kernelType, k));

        var random = new EngineRandom(20261206);
        float[][] x = [.. Layers.Select(l => Random(random, Batch * l.C * l.Side * l.Side))];
        float[][] w = [.. Layers.Select(l => Random(random, l.F * l.C * 9))];
        float[][] b = [.. Layers.Select(l => Random(random, l.F))];
        float[][] dy = [.. Layers.Select(l => Random(random, Batch * l.F * l.Side * l.Side))];
        // Twice: the second round starts with what every kernel left in the shared arrays.
        for (int round = 0; round < 2; round++)
        {
            float[][][] expected = Run(own, x, w, b, dy), actual = Run(sharing, x, w, b, dy);
            for (int i = 0; i < Layers.Length; i++)
                for (int part = 0; part < 4; part++)
                    Assert.True(expected[i][part].AsSpan().SequenceEqual(actual[i][part]),
                        $"{choice} layer {i} {new[] { "y", "dW", "db", "dx" }[part]}, round {round}: not the same bits");
        }
    }

    [Fact]
    public void Of_BeforeAllocate_Throws()
    {
        var scratch = new ConvolutionScratch();
        scratch.Reserve(Threads, 10, 20);
        Assert.Throws<InvalidOperationException>(() => scratch.Of(0));
    }

    [Fact]
    public void Allocate_SeveralReservations_EachSlotAsLongAsItsLargest()
    {
        var scratch = new ConvolutionScratch();
        scratch.Reserve(1, 10, 20);
        scratch.Reserve(Threads, 30, 5, 7);
        scratch.Allocate();

        Assert.Equal(4L * Threads * (30 + 20 + 7), scratch.Bytes);
        for (int t = 0; t < Threads; t++) Assert.Equal([30, 20, 7], scratch.Of(t).Select(a => a.Length));
        Assert.NotSame(scratch.Of(0)[0], scratch.Of(1)[0]);
        Assert.Throws<InvalidOperationException>(() => scratch.Reserve(1, 40));
    }

    private static IConvolutionKernel Create((int C, int F, int Side) l, Choice choice, ConvolutionScratch? shared)
    {
        (Window rows, Window cols) = WinogradCase.For(l.Side, l.Side);
        return ConvolutionAlgorithm.Create(l.C, l.F, rows, cols, Threads, choice, shared);
    }

    /// <summary>Every kernel's forward in turn, then every backward in reverse: [layer] → y, dW, db, dx.</summary>
    private static float[][][] Run(IConvolutionKernel[] kernels, float[][] x, float[][] w, float[][] b, float[][] dy)
    {
        var results = new float[kernels.Length][][];
        for (int i = 0; i < kernels.Length; i++)
        {
            results[i] = [new float[dy[i].Length], new float[w[i].Length], new float[b[i].Length], new float[x[i].Length]];
            kernels[i].Forward(x[i], Batch, w[i], b[i], results[i][0]);
        }
        for (int i = kernels.Length - 1; i >= 0; i--)
            kernels[i].Backward(x[i], Batch, w[i], dy[i], results[i][1], results[i][2], results[i][3]);
        return results;
    }

    private static float[] Random(EngineRandom random, int count)
        => [.. Enumerable.Range(0, count).Select(_ => random.NextSingle() - 0.5f)];
}
