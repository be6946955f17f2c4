using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Tests.Optimizers;

/// <summary>Adam's ε is a recipe setting: Keras' sources trained with 1e-7, PyTorch's default is 1e-8.</summary>
public class AdamEpsilonTests
{
    // At step 1 Adam's bias-corrected moments are m̂ = g and v̂ = g², so a weight moves by lr·g / (|g| + ε): for a
    // gradient of 1e-7, ε = 1e-8 moves it by 0.909·lr and ε = 1e-7 by 0.5·lr.
    [Theory]
    [InlineData(OptimizerKind.Adam, 1e-8f, 1e-7f / 1.1e-7f)]
    [InlineData(OptimizerKind.Adam, 1e-7f, 0.5f)]
    [InlineData(OptimizerKind.AdamW, 1e-7f, 0.5f)]
    public void FirstStep_OnATinyGradient_MovesByGradientOverGradientPlusEpsilon(OptimizerKind kind, float epsilon, float expected)
    {
        var parameter = new Parameter("bias", new Shape(1), decay: false);
        parameter.Gradient.Span[0] = 1e-7f;
        Optimizer.Create(kind, weightDecay: 0, adamEpsilon: epsilon).Step([parameter], learningRate: 1f);
        Assert.Equal(-expected, parameter.Value.Span[0], 1e-5f);
    }

    [Fact]
    public void EngineTrainer_BuildsItsAdamWithTheOptionsEpsilon()
    {
        Sequential model = new ModelBuilder(new Shape(1, 4, 4)).Flatten().Dense(10).Build();
        var options = new EngineTrainerOptions { Optimizer = OptimizerKind.Adam, AdamEpsilon = Adam.KerasEpsilon };
        Assert.Equal(Adam.KerasEpsilon, Assert.IsAssignableFrom<Adam>(new EngineTrainer(model, options).Optimizer).Epsilon);
    }
}
