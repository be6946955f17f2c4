using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers.Convolution;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;

namespace MlNetFashion.Engine.Tests.Models;

/// <summary>
/// Build gives a model's convolutions one set of working arrays per thread (<see cref="ConvolutionScratch"/>) instead of
/// a set each. It must give the bits of sets of their own, with less memory.
/// </summary>
public class SequentialConvolutionScratchTests
{
    public static TheoryData<string> Nets => new() { "fast", "mcnn-paper", "best" };

    [Theory]
    [MemberData(nameof(Nets))]
    public void ForwardBackward_SharedScratch_SameBitsAsScratchOfTheirOwn(string net)
    {
        const int batch = 5;
        Sequential shared = Build(net, batch, share: true, out _), own = Build(net, batch, share: false, out _);
        var random = new EngineRandom(11);
        float[] images = [.. Enumerable.Range(0, batch * 784).Select(_ => random.NextSingle())];
        float[] gradient = [.. Enumerable.Range(0, batch * 10).Select(_ => random.NextSingle() - 0.5f)];

        foreach (bool training in new[] { true, true, false })
        {
            Tensor a = shared.Forward(new Tensor((float[])images.Clone(), batch, Presets.Input), training);
            Tensor b = own.Forward(new Tensor((float[])images.Clone(), batch, Presets.Input), training);
            Assert.True(b.Span.SequenceEqual(a.Span), $"{net} logits, training {training}: not the same bits");
            shared.Backward(new Tensor((float[])gradient.Clone(), batch, new Shape(10)));
            own.Backward(new Tensor((float[])gradient.Clone(), batch, new Shape(10)));
            foreach (var (p, q) in shared.Parameters.Zip(own.Parameters))
                Assert.True(q.Gradient.Span.SequenceEqual(p.Gradient.Span), $"{net} gradient of {p.Name}, training {training}");
        }
    }

    [DefaultConvolutionTheory]
    [MemberData(nameof(Nets))]
    public void Build_SharedScratch_AllocatesLess(string net)
    {
        const int batch = 16;
        Build(net, batch, share: false, out long ownBytes);
        Sequential model = Build(net, batch, share: true, out long sharedBytes);

        IEnumerable<Conv2D> convolutions = model.Layers.SelectMany(l => l.Children.Prepend(l)).OfType<Conv2D>();
        Assert.True(convolutions.Count(c => c.KernelOp is WinogradConvolution) >= 2, $"{net}: fewer than two Winograd layers");
        Assert.True(sharedBytes < ownBytes, $"{net}: {sharedBytes:N0} bytes with the shared scratch, {ownBytes:N0} without");
    }

    private static Sequential Build(string net, int batch, bool share, out long bytes)
    {
        Sequential model = Presets.Get(net).CreateModel();
        model.ShareConvolutionScratch = share;
        long before = GC.GetAllocatedBytesForCurrentThread();
        model.Build(batch, new EngineRandom(3));
        bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        return model;
    }
}
