using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Training;
using MlNetFashion.Pipeline.Trainer;

namespace MlNetFashion.Pipeline.Tests.Trainer;

/// <summary>Frozen layers during fine-tuning: untouched by the optimizer, and clean when they thaw.</summary>
public sealed class FrozenLayersTests
{
    private const int Images = 40, BatchSize = 10;

    private static (EngineTrainer Trainer, LabeledImages Data) Create(int epochs, OptimizerKind optimizer)
    {
        Sequential model = new ModelBuilder(new Shape(1, 28, 28))
            .Conv2D(4, 3, Padding.Same).BatchNorm().ReLU().MaxPool2D(2)
            .Flatten().Dense(8).ReLU().Dense(3).Build();
        var trainer = new EngineTrainer(model, new EngineTrainerOptions
        {
            Epochs = epochs, BatchSize = BatchSize, Optimizer = optimizer, WeightDecay = 0.1f, LearningRate = 0.01f, Seed = 7, Threads = 1,
            ValidationFraction = 0,
        });
        var random = new EngineRandom(8);
        var pixels = new float[Images * 784];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = random.NextSingle();
        return (trainer, new LabeledImages(pixels, [.. Enumerable.Range(0, Images).Select(i => i % 3)], new Shape(1, 28, 28)));
    }

    /// <summary>The optimizer's state buffers of the parameters of the layers before the first Dense.</summary>
    private static IEnumerable<float[]> FrozenState(EngineTrainer trainer, int slots)
    {
        int frozen = trainer.Model.Layers.TakeWhile(l => l is not Dense).Sum(l => l.Parameters.Count);
        return trainer.Optimizer.GetState().Take(frozen * slots);
    }

    [Theory]
    [InlineData(OptimizerKind.Adam, 2)]
    [InlineData(OptimizerKind.AdamW, 2)]
    [InlineData(OptimizerKind.Sgd, 1)]
    public void Fit_DuringFrozenEpochs_WeightsBitIdenticalAndOptimizerStateUntouched(OptimizerKind optimizer, int slots)
    {
        var (trainer, data) = Create(epochs: 1, optimizer);
        var frozen = trainer.Model.Layers.TakeWhile(l => l is not Dense).ToList();
        float[][] initial = [.. frozen.SelectMany(l => l.Parameters.Select(p => p.Value).Concat(l.Buffers)).Select(t => t.Span.ToArray())];
        trainer.AddCallback(new FrozenLayers(trainer.Model, epochs: 1));

        trainer.Fit(data);

        float[][] after = [.. frozen.SelectMany(l => l.Parameters.Select(p => p.Value).Concat(l.Buffers)).Select(t => t.Span.ToArray())];
        Assert.Equal(initial, after);
        Assert.All(FrozenState(trainer, slots), buffer => Assert.All(buffer, v => Assert.Equal(0f, v)));
        int frozenParameters = frozen.Sum(l => l.Parameters.Count);
        Assert.All(trainer.Optimizer.ParameterSteps.Take(frozenParameters), steps => Assert.Equal(0L, steps));
        Assert.All(trainer.Optimizer.ParameterSteps.Skip(frozenParameters), steps => Assert.Equal(Images / BatchSize, steps));
        Assert.Contains(trainer.Optimizer.GetState().Skip(frozenParameters * slots), buffer => buffer.Any(v => v != 0));
        Assert.All(trainer.Model.Parameters, p => Assert.False(p.Frozen));   // thawed after its last frozen epoch
    }

    [Fact]
    public void Fit_AfterFrozenEpochs_FirstUnfrozenStepIsAFreshOptimizersFirst()
    {
        var (trainer, data) = Create(epochs: 2, OptimizerKind.Adam);
        trainer.AddCallback(new FrozenLayers(trainer.Model, epochs: 1));
        var conv = trainer.Model.Layers[0];
        float[] initial = conv.Parameters[0].Value.Span.ToArray();

        trainer.Fit(data);

        Assert.NotEqual(initial, conv.Parameters[0].Value.Span.ToArray());
        // Bias correction counts the convolution's own steps: only the second epoch's.
        Assert.Equal(Images / BatchSize, trainer.Optimizer.ParameterSteps[0]);
        Assert.Equal(2 * Images / BatchSize, trainer.Optimizer.ParameterSteps[^1]);
        Assert.Equal(2 * Images / BatchSize, trainer.Optimizer.Steps);
    }
}
