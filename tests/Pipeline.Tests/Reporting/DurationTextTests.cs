using MlNetFashion.Pipeline.Reporting;

namespace MlNetFashion.Pipeline.Tests.Reporting;

public class DurationTextTests
{
    [Theory]
    [InlineData(2.74, "2.7 s")]
    [InlineData(59.9, "59.9 s")]
    [InlineData(59.96, "1.0 min")]
    [InlineData(386, "6.4 min")]
    public void Format_SecondsUnderAMinuteMinutesAbove(double seconds, string expected) =>
        Assert.Equal(expected, DurationText.Format(seconds));
}
