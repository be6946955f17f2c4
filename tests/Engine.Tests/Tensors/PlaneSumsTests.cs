using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Convolution;
using MlNetFashion.Engine.Layers.Normalization;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;

namespace MlNetFashion.Engine.Tests.Tensors;

/// <summary>
/// A batch norm on the first convolution's output (`fast`, `best`: directly; mcnn-paper: through the ReLU the convolution
/// writes) and on a Winograd convolution's (`fast`, `best`: the 3×3 layers after the first; mcnn-paper's have a ReLU
/// between) takes its Σx and Σx² per plane from the convolution's output pass. The model must give the bits of batch
/// norms that sum their input themselves.
/// </summary>
public class PlaneSumsTests
{
    private const int Batch = 5;

    public static TheoryData<string> Nets => new() { "fast", "mcnn-paper", "best" };

    [Theory]
    [MemberData(nameof(Nets))]
    public void ForwardBackward_SumsFromTheConvolution_SameBitsAsBatchNormSummingItself(string net)
    {
        Sequential given = Build(net, takes: true), summed = Build(net, takes: false);

        // The first training step offers the sums, the next ones use them; an eval step in between fills none.
        ModelSteps.AssertSameBits(summed, given, net, seed: 9, pixelShift: -0.2f, true, true, false, true);
        foreach (var (p, q) in given.Buffers.Zip(summed.Buffers)) BitAssert.Equal(q.Span, p.Span, $"{net} running statistics");
    }

    [DefaultConvolutionTheory]
    [MemberData(nameof(Nets))]
    public void Forward_Training_FirstConvolutionFillsTheSumsTheBatchNormOffered(string net)
    {
        Sequential model = Build(net, takes: true);
        Tensor input = Input(seed: 4);
        model.Forward(input, training: true);

        Conv2D first = model.Layers.OfType<Conv2D>().First();
        Tensor output = first.Forward(input, training: true);
        PlaneSums sums = Assert.IsType<PlaneSums>(output.PlaneSums);
        Assert.Equal(Batch, sums.Batch);
        Assert.Equal(first.Filters, sums.Channels);
        for (int plane = 0; plane < Batch * first.Filters; plane++)
        {
            ReadOnlySpan<float> values = output.Span.Slice(plane * 784, 784);
            var (sum, dot) = FusedPasses.SumAndDot(values, values);
            Assert.Equal(BitConverter.SingleToInt32Bits(sum), BitConverter.SingleToInt32Bits(sums.Values[2 * plane]));
            Assert.Equal(BitConverter.SingleToInt32Bits(dot), BitConverter.SingleToInt32Bits(sums.Values[2 * plane + 1]));
        }

        first.Forward(input, training: false);
        Assert.Equal(0, sums.Batch);
    }

    [DefaultConvolutionTheory]
    [InlineData("fast")]
    [InlineData("best")]
    public void Forward_Training_WinogradConvolutionsFillTheSumsTheirBatchNormsOffered(string net)
    {
        Sequential model = Build(net, takes: true);
        Tensor input = Input(seed: 6);
        model.Forward(input, training: true);

        int checkedLayers = 0;
        Tensor x = input;
        foreach (Layer layer in model.Layers)
        {
            Tensor y = layer.Forward(x, training: true);
            if (layer is Conv2D { KernelOp: WinogradConvolution } && y.PlaneSums is { } sums)
            {
                Assert.Equal(Batch, sums.Batch);
                int hw = y.SampleShape.Size / sums.Channels;
                for (int plane = 0; plane < Batch * sums.Channels; plane++)
                {
                    ReadOnlySpan<float> values = y.Span.Slice(plane * hw, hw);
                    var (sum, dot) = FusedPasses.SumAndDot(values, values);
                    BitAssert.Equal([sum, dot], sums.Values.AsSpan(2 * plane, 2), $"{net} {layer.Name} plane {plane}");
                }
                checkedLayers++;
            }
            x = y;
        }
        Assert.True(checkedLayers >= 2, $"{net}: expected Winograd convolutions feeding batch norms. Found {checkedLayers}.");
    }

    [Fact]
    public void Forward_BatchNormNotTakingSums_OffersNone()
    {
        Sequential model = Build("fast", takes: false);
        Tensor input = Input(seed: 5);
        model.Forward(input, training: true);

        Assert.Null(model.Layers.OfType<Conv2D>().First().Forward(input, training: true).PlaneSums);
    }

    private static Sequential Build(string net, bool takes)
    {
        Sequential model = Presets.Get(net).CreateModel();
        foreach (BatchNorm norm in model.Layers.OfType<BatchNorm>()) norm.TakesPlaneSums = takes;
        return model.Build(Batch, new EngineRandom(3));
    }

    private static Tensor Input(ulong seed)
    {
        var random = new EngineRandom(seed);
        return new Tensor([.. Enumerable.Range(0, Batch * 784).Select(_ => random.NextSingle() - 0.2f)], Batch, Presets.Input);
    }
}
