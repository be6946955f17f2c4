using Microsoft.Extensions.Configuration;
using MlNetFashion.Scoring.Api;

namespace MlNetFashion.Scoring.Tests.Api;

public sealed class ServeSettingsTests
{
    private static ServeSettings Read(params (string Key, string Value)[] values) => ServeSettings.Read(new ConfigurationBuilder()
        .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
        .Build());

    [Theory]
    [InlineData("json", LogFormat.Json)]
    [InlineData("JSON", LogFormat.Json)]
    [InlineData("Text", LogFormat.Text)]
    public void Read_LogFormatInAnyCase_ItsMember(string value, LogFormat expected)
    {
        Assert.Equal(expected, Read(("Serve:LogFormat", value)).LogFormat);
    }

    [Fact]
    public void Read_LogFormatNumber_RefusedNamingTheKeyAndTheNames()
    {
        var error = Assert.Throws<ArgumentException>(() => Read(("Serve:LogFormat", "5")));

        Assert.Equal("Serve:LogFormat: expected text or json, received '5'", error.Message);
    }

    [Fact]
    public void Read_AspNetCoresJsonConsoleWithoutLogFormat_Json()
    {
        Assert.Equal(LogFormat.Json, Read(("Logging:Console:FormatterName", "json")).LogFormat);
    }
}
