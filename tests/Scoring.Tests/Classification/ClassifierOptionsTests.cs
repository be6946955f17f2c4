using MlNetFashion.Scoring.Classification;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Scoring.Tests.Classification;

public sealed class ClassifierOptionsTests() : TempFolderTests("classifier-options-")
{
    public static TheoryData<string, ClassifierOptions> OutOfRange => new()
    {
        // -1 was taken as "CUDA not available" and scored on the CPU.
        { "GpuDeviceId", new ClassifierOptions { GpuDeviceId = -1 } },
        // ONNX Runtime took -1 without a word.
        { "IntraOpThreads", new ClassifierOptions { IntraOpThreads = 0 } },
        { "IntraOpThreads", new ClassifierOptions { IntraOpThreads = -1 } },
        // Every comparison with NaN fails: every image was "not a garment".
        { "InDistributionThreshold", new ClassifierOptions { InDistributionThreshold = double.NaN } },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Load_OptionOutOfRange_RefusedNamingItBeforeTheModelIsRead(string name, ClassifierOptions options)
    {
        // The model path does not exist: a FileNotFoundException would mean the file was read first.
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => FashionClassifier.Load(Path.Combine(Folder, "absent.onnx"), options));

        Assert.Equal(name, error.ParamName);
        Assert.StartsWith($"{name}: expected ", error.Message);
    }

    [Fact]
    public void Load_InfiniteThresholdAndOneThread_Accepted()
    {
        using var classifier = FashionClassifier.Load(TrainedModel.Onnx,
            new ClassifierOptions { InDistributionThreshold = double.PositiveInfinity, IntraOpThreads = 1 });

        Assert.Equal(double.PositiveInfinity, classifier.InDistributionThreshold);
        Assert.False(classifier.PredictPixels(TrainedModel.Test.Image(0)).IsKnownClass);
    }
}
