using MlNetFashion.Engine.Training;
using MlNetFashion.Pipeline.Evaluation;
using MlNetFashion.Pipeline.Reporting;

namespace MlNetFashion.Pipeline.Tests.Reporting;

public class HtmlReportTests
{
    [Theory]
    [InlineData(1, "· 1 epoch (best: 1)")]
    [InlineData(2, "· 2 epochs (best: 1)")]
    public void Create_EpochCount_HeaderSaysEpochOrEpochs(int epochs, string expected)
    {
        string html = HtmlReport.Create(Summary(epochs));

        Assert.Contains(expected, html);
    }

    [Fact]
    public void Create_ConfusionMatrix_TestSetHeadingCountsItsImages()
    {
        string html = HtmlReport.Create(Summary(1));

        Assert.Contains("<h2>Test set (5 official test images)</h2>", html);
    }

    private static TrainingRunSummary Summary(int epochs)
    {
        var history = Enumerable.Range(1, epochs)
            .Select(e => new EpochMetrics(e, 0.5f, 0.8f, null, null, 0.001f, 1.0, 1000))
            .ToList();
        var report = new ClassificationReport(0.8, 0.8, 0.5, [new ClassMetrics("a", 0.8, 0.8, 0.8, 5)], [[4, 1], [0, 0]]);
        return new TrainingRunSummary("fast", new Dictionary<string, string>(), history, 1, 1.0, 2.0, 1000, report, 1e-6, null);
    }
}
