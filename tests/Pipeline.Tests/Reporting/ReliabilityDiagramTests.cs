using MlNetFashion.Engine.Calibration;
using MlNetFashion.Pipeline.Evaluation;
using MlNetFashion.Pipeline.Reporting;

namespace MlNetFashion.Pipeline.Tests.Reporting;

public class ReliabilityDiagramTests
{
    private static readonly CalibrationError.Bin[] Bins =
        CalibrationError.Reliability([0.9f, 0.1f, 0.6f, 0.4f, 0.95f, 0.05f], [0, 1, 0], 2);

    [Fact]
    public void Svg_ThreeNonEmptyBins_OneBarEachBesideTheFrame()
    {
        string svg = ReliabilityDiagram.Svg("after", Bins);

        Assert.StartsWith("<svg", svg);
        Assert.Equal(3, Bins.Count(b => b.Count > 0));
        Assert.Equal(1 + 3, svg.Split("<rect").Length - 1);
        Assert.Contains("<line", svg);
    }

    [Fact]
    public void Section_Report_NamesTemperatureEceAndThreshold()
    {
        var report =
            new CalibrationReport(1.25, 0.08, 0.012, Bins, Bins, new InDistributionRule(InDistributionScoreKind.Energy, 3.5), 6000, null);

        string html = ReliabilityDiagram.Section(report);

        Assert.Contains("Temperature 1.250", html);
        Assert.Contains("8.00 %", html);
        Assert.Contains("1.20 %", html);
        Assert.Contains("energy score is ≥ 3.500", html);
    }
}
