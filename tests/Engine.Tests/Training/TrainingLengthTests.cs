using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Tests.Training;

public class TrainingLengthTests
{
    [Theory]
    [InlineData(8, 54_000, 64, 8)]      // Fashion-MNIST: 844 steps an epoch, the preset's epochs stand
    [InlineData(8, 180, 64, 167)]       // 200 photos less the held-out 20: 3 steps an epoch
    [InlineData(8, 1_212, 64, 27)]      // scikit-learn's digits: 19 steps
    [InlineData(8, 16, 16, 500)]        // one step an epoch
    [InlineData(600, 16, 16, 600)]      // a recipe already past the minimum
    public void Epochs_GivesThePresetsEpochsOrEnoughForTheMinimumSteps(int epochs, int images, int batchSize, int expected)
    {
        int result = TrainingLength.Epochs(epochs, images, batchSize);

        Assert.Equal(expected, result);
        int steps = TrainingLength.StepsPerEpoch(images, batchSize);
        Assert.True(result * steps >= TrainingLength.MinimumSteps);
        Assert.True(result == epochs || (result - 1) * steps < TrainingLength.MinimumSteps, "no more epochs than the minimum needs");
    }

    [Theory]
    [InlineData(100, 32, 4)]
    [InlineData(96, 32, 3)]
    [InlineData(5, 64, 1)]
    public void StepsPerEpoch_CountsTheShortLastBatch(int images, int batchSize, int expected)
    {
        Assert.Equal(expected, TrainingLength.StepsPerEpoch(images, batchSize));
    }

    [Fact]
    public void Epochs_NoImagesOrEpochs_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingLength.Epochs(8, 0, 64));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingLength.Epochs(0, 100, 64));
    }
}
