using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Schedules;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Engine.Tests.Training;

public class EnumSpellingTests
{
    [Fact]
    public void Names_AreTheSpecsLowerCaseSpellings()
    {
        Assert.Equal(["adam", "adamw", "sgd"], EnumSpelling.Names<OptimizerKind>());
        Assert.Equal(["constant", "step", "cosine", "onecycle"], EnumSpelling.Names<ScheduleKind>());
        Assert.Equal(["accuracy", "loss"], EnumSpelling.Names<EarlyStoppingMetric>());
    }

    [Theory]
    [InlineData("sgd", true, OptimizerKind.Sgd)]
    [InlineData("SGD", true, OptimizerKind.Sgd)]
    [InlineData(" adamw ", true, OptimizerKind.AdamW)]
    [InlineData("2", false, OptimizerKind.Adam)]
    [InlineData("adam,sgd", false, OptimizerKind.Adam)]
    [InlineData("", false, OptimizerKind.Adam)]
    public void TryParse_TakesNamesInAnyCaseButNotNumbers(string text, bool parsed, OptimizerKind expected)
    {
        Assert.Equal(parsed, EnumSpelling.TryParse(text, out OptimizerKind value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Expected_ListsTheNamesForAnErrorMessage()
    {
        Assert.Equal("adam, adamw or sgd", EnumSpelling.Expected<OptimizerKind>());
    }
}
