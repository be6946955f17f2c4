using MlNetFashion.Benchmarks.Robustness;
using MlNetFashion.Benchmarks.Tests.Robustness.Reference;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Benchmarks.Tests.Robustness;

public sealed class PreprocessingEquivalenceTests
{
    /// <summary>Test images rendered per kind: the first ones the robustness benchmark renders, with its seeds.</summary>
    private const int ImagesPerKind = 4;

    public static TheoryData<Delivery> Deliveries() => [.. Enum.GetValues<Delivery>()];

    [Theory]
    [MemberData(nameof(Deliveries))]
    public void Preprocess_RobustnessRenderings_BitIdenticalToReference(Delivery delivery)
    {
        FashionMnistSplit test = FashionMnist.LoadSplit(DataLocator.Locate(null), "t10k").Take(ImagesPerKind);
        for (int i = 0; i < test.Count; i++)
        {
            byte[] encoded = GarmentRenderer.Render(test.Image(i), delivery, new Random(i * 16 + (int)delivery));
            GrayImage expected = ReferencePreprocessor.Preprocess(encoded, $"{delivery} {i}");
            GrayImage actual = ImagePreprocessor.Preprocess(encoded, $"{delivery} {i}");
            Assert.True(expected.Pixels.AsSpan().SequenceEqual(actual.Pixels),
                $"{delivery} image {i}: {expected.Pixels.Zip(actual.Pixels).Count(p => p.First != p.Second)} of 784 pixels differ");
            Assert.Equal(expected.SourceHasForeground, actual.SourceHasForeground);
        }
    }
}
