using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Engine.Tests.Optimizers;

/// <summary>A frozen parameter is outside the optimizer: no update, no moments, no decay, no steps counted.</summary>
public class FrozenParameterTests
{
    private static Parameter Kernel(float value, float gradient)
    {
        var p = new Parameter("kernel", new Shape(3), decay: true);
        p.Value.Span.Fill(value);
        p.Gradient.Span.Fill(gradient);
        return p;
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    [InlineData(OptimizerKind.Sgd)]
    public void Step_FrozenParameter_ValueAndStateUntouched(OptimizerKind kind)
    {
        Parameter frozen = Kernel(0.5f, 0.25f), trained = Kernel(0.5f, 0.25f);
        frozen.Frozen = true;
        Optimizer optimizer = Optimizer.Create(kind, weightDecay: 0.1f, momentum: 0.9f);

        for (int i = 0; i < 3; i++) optimizer.Step([frozen, trained], learningRate: 0.1f);

        Assert.All(frozen.Value.Span.ToArray(), v => Assert.Equal(0.5f, v));
        Assert.All(trained.Value.Span.ToArray(), v => Assert.NotEqual(0.5f, v));
        int slots = optimizer.GetState().Count / 2;
        Assert.All(optimizer.GetState().Take(slots), buffer => Assert.All(buffer, v => Assert.Equal(0f, v)));
        Assert.Equal([0L, 3L], optimizer.ParameterSteps);
        Assert.Equal(3L, optimizer.Steps);
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    [InlineData(OptimizerKind.Sgd)]
    public void Step_FirstAfterThawing_EqualsAFreshOptimizersFirstStep(OptimizerKind kind)
    {
        Parameter thawed = Kernel(0.5f, 0.25f), other = Kernel(0.5f, -0.5f), fresh = Kernel(0.5f, 0.25f);
        Optimizer optimizer = Optimizer.Create(kind, weightDecay: 0.1f, momentum: 0.9f);
        thawed.Frozen = true;
        for (int i = 0; i < 5; i++) optimizer.Step([thawed, other], learningRate: 0.1f);
        thawed.Frozen = false;

        optimizer.Step([thawed, other], learningRate: 0.1f);
        Optimizer.Create(kind, weightDecay: 0.1f, momentum: 0.9f).Step([fresh], learningRate: 0.1f);

        Assert.Equal(fresh.Value.Span.ToArray(), thawed.Value.Span.ToArray());
    }
}
