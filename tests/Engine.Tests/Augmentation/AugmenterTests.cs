using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Tests.Augmentation;

public class AugmenterTests
{
    private static readonly Shape Image = new(1, 12, 10);
    private static readonly Shape Square28 = new(1, 28, 28);

    /// <summary>Image n filled with the value n + 1, its label 10·n.</summary>
    private static (Tensor Batch, int[] Labels) Constant(int count)
    {
        var batch = new Tensor(count, Image);
        for (int n = 0; n < count; n++) batch.Sample(n).Fill(n + 1);
        return (batch, [.. Enumerable.Range(0, count).Select(n => 10 * n)]);
    }

    [Theory]
    [InlineData(28)]
    [InlineData(100)]
    public void New_CropPaddingNotLessThanTheSide_ThrowsNamingIt(int padding)
    {
        // A shift of 28 or more sliced a negative length: "Specified argument was out of the range of valid values."
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new Augmenter(new AugmentationOptions(CropPadding: padding), Square28));

        Assert.StartsWith("crop padding: expected less than the image's side (28).", error.Message);
    }

    [Theory]
    [InlineData(28, 0)]
    [InlineData(0, -30)]
    public void Shift_ByTheWholeSideOrMore_LeavesABlankImage(int dy, int dx)
    {
        float[] image = [.. Enumerable.Range(1, Square28.Size).Select(i => (float)i)];

        new Augmenter(AugmentationOptions.None, Square28).Shift(image, dy, dx);

        Assert.All(image, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Shift_OneDown_EveryRowFromTheRowBelowAndTheLastBlank()
    {
        float[] image = [.. Enumerable.Range(0, Square28.Size).Select(i => (float)i)];

        new Augmenter(AugmentationOptions.None, Square28).Shift(image, 1, 0);

        Assert.Equal(Enumerable.Range(28, 27 * 28).Select(i => (float)i), image[..(27 * 28)]);
        Assert.All(image[(27 * 28)..], v => Assert.Equal(0f, v));
    }

    [Fact]
    public void CutMix_Off_LeavesTheBatchAndTheRandomStreamAsTheyWere()
    {
        (Tensor batch, int[] labels) = Constant(6);
        float[] before = batch.Span.ToArray();
        var random = new EngineRandom(3);
        ulong[] state = random.GetState();

        float mix = new Augmenter(new AugmentationOptions(CropPadding: 1), Image).CutMix(batch, labels, new int[6], random);

        Assert.Equal(1f, mix);
        Assert.Equal(before, batch.Span.ToArray());
        Assert.Equal(state, random.GetState());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void CutMix_Always_PastesOneBoxFromAnotherImageAndReturnsTheShareLeft(int seed)
    {
        const int count = 7;
        (Tensor batch, int[] labels) = Constant(count);
        int[] mixed = new int[count];
        var augmenter = new Augmenter(new AugmentationOptions(CutMixProbability: 1f), Image);

        float mix = augmenter.CutMix(batch, labels, mixed, new EngineRandom((ulong)seed));

        int? shift = null, area = null;
        for (int n = 0; n < count; n++)
        {
            float[] pixels = batch.Sample(n).ToArray();
            float[] pasted = [.. pixels.Where(v => v != n + 1)];
            int partner = pasted.Length == 0 ? (n + (shift ?? 1)) % count : (int)pasted[0] - 1;
            Assert.All(pasted, v => Assert.Equal(partner + 1, v));   // one other image's pixels
            Assert.NotEqual(n, partner);
            Assert.Equal((partner - n + count) % count, shift ??= (partner - n + count) % count);   // the same shift for all
            Assert.Equal(pasted.Length, area ??= pasted.Length);   // the same box for all
            Assert.Equal(labels[partner], mixed[n]);
        }
        Assert.Equal(1f - (float)area!.Value / Image.Size, mix);
        Assert.InRange(mix, 0f, 1f);
    }

    [Fact]
    public void CutMix_SameSeed_SameBatchAndShare()
    {
        var augmenter = new Augmenter(new AugmentationOptions(CutMixProbability: 1f), Image);
        (Tensor a, int[] labels) = Constant(5);
        (Tensor b, _) = Constant(5);
        float mixA = augmenter.CutMix(a, labels, new int[5], new EngineRandom(9));
        float mixB = augmenter.CutMix(b, labels, new int[5], new EngineRandom(9));
        Assert.Equal(mixA, mixB);
        Assert.Equal(a.Span.ToArray(), b.Span.ToArray());
    }
}
