using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Training;
using MlNetFashion.Pipeline.Data;

namespace MlNetFashion.Pipeline.Tests.Runs;

/// <summary>
/// The recipe `./build.sh train` runs (the default preset: its net, batch, optimizer, schedule and label smoothing) on
/// 3,000 Fashion-MNIST training images for two epochs: it learns, and two runs with one seed and thread count give the
/// same weights to the bit.
/// </summary>
public class DefaultRecipeTests
{
    private static readonly Lazy<(TrainingResult Result, float[] Weights)> LazyFirst = new(() => Train(seed: 1));

    [Fact]
    public void Fit_DefaultRecipeOnASmallSubset_LearnsTheGarments()
    {
        EpochMetrics last = LazyFirst.Value.Result.History[^1];

        Assert.Equal(2, LazyFirst.Value.Result.History.Count);
        // Ten classes: chance is 10 %; two epochs on 3,000 images reach ~80 % on held-out test images.
        Assert.True(last.ValidationAccuracy >= 0.75f, $"accuracy on 1,000 test images {last.ValidationAccuracy:P1}");
        Assert.True(last.Loss < LazyFirst.Value.Result.History[0].Loss, "the training loss did not fall");
    }

    [Fact]
    public void Fit_DefaultRecipeTwiceWithOneSeed_BitwiseIdenticalWeights()
    {
        float[] again = Train(seed: 1).Weights;

        Assert.Equal(LazyFirst.Value.Weights, again);
    }

    private static (TrainingResult Result, float[] Weights) Train(ulong seed)
    {
        var (_, model, defaults) = ModelSource.Create(null, null);
        var trainer = new EngineTrainer(model, defaults with { Epochs = 2, Seed = seed, Threads = 2 });
        TrainingResult result = trainer.Fit(Images(RealData.Data.Train.Take(3000)), Images(RealData.Data.Test.Take(1000)));
        float[] weights = [.. trainer.Model.Parameters.SelectMany(p => p.Value.Span.ToArray())
            .Concat(trainer.Model.Buffers.SelectMany(b => b.Span.ToArray()))];
        return (result, weights);
    }

    private static LabeledImages Images(FashionMnistSplit split) => new(split.ScaledPixels(), split.IntLabels(), Presets.Input);
}
