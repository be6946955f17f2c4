using Microsoft.Extensions.Configuration;
using MlNetFashion.Scoring.Api;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Scoring.Tests.Api;

public sealed class ServeSettingsTests() : TempFolderTests("serve-settings-")
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
    public void Read_AspNetCoresJsonConsoleWithoutLogFormat_Json()
    {
        Assert.Equal(LogFormat.Json, Read(("Logging:Console:FormatterName", "json")).LogFormat);
    }

    /// <summary>Each kind of setting given a value of another type (key, value, what the message says it takes).</summary>
    public static TheoryData<string, string, string> WrongTypes => new()
    {
        { "DrainDelay", "abc", "a time such as 00:00:30" },
        { "ModelPollInterval", "5 minutes", "a time such as 00:00:30" },
        { "WatchModel", "maybe", "true or false" },
        { "LogRequests", "1", "true or false" },
        // The binder took a number as a format no member has.
        { "LogFormat", "5", "text or json" },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void Read_ValueOfTheWrongType_OneMessageNamingTheKeyAndWhatItTakes(string key, string value, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => Read(($"Serve:{key}", value)));

        Assert.Equal($"Serve:{key}: expected {expected}, received '{value}'", error.Message);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:05")]
    public void Read_PollIntervalNotPositive_Refused(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => Read(("Serve:ModelPollInterval", value)));

        Assert.StartsWith("Serve:ModelPollInterval: expected a positive time such as 00:00:30, received ", error.Message);
    }

    [Fact]
    public void Read_ValuesOfTheirTypes_Bound()
    {
        ServeSettings settings = Read(("Serve:DrainDelay", "00:00:03"), ("Serve:ShutdownTimeout", "00:00:20"),
            ("Serve:WatchModel", "False"), ("Serve:ModelPollInterval", "00:01:00"), ("Serve:Model", "m.onnx"));

        Assert.Equal(new ServeSettings
        {
            DrainDelay = TimeSpan.FromSeconds(3), ShutdownTimeout = TimeSpan.FromSeconds(20), WatchModel = false,
            ModelPollInterval = TimeSpan.FromMinutes(1), Model = "m.onnx",
        }, settings);
    }

    [Fact]
    public void Read_UnknownKey_RefusedNamingItAndTheSettings()
    {
        // A misspelt key was skipped by the binder: the drain delay stayed 2 s without a word.
        var error = Assert.Throws<ArgumentException>(() => Read(("Serve:DrainDelays", "00:00:05")));

        Assert.Equal("Serve:DrainDelays: unknown setting; expected one of Model, Replica, LogFormat, LogRequests, WatchModel, "
            + "ModelPollInterval, DrainDelay, ShutdownTimeout", error.Message);
    }

    [Theory]
    [InlineData("{\"Serve\": {\"DrainDelay\": \"00:00:01\"}, \"Serve\": {\"DrainDelay\": \"00:00:02\"}}",
        "A duplicate key 'Serve:DrainDelay' was found.")]
    [InlineData("{\"Serve\": {\"DrainDelay\": \"00:00:01\"}, ", "Expected start of a property name or value")]
    public void CreateBuilder_BadAppSettings_OneLineNamingTheFileAndWhatIsWrong(string json, string cause)
    {
        // It said only "Failed to load configuration from file '…/appsettings.json'."
        File.WriteAllText(Path.Combine(Folder, "appsettings.json"), json);

        var error = Assert.Throws<InvalidDataException>(() => ScoringApi.CreateBuilder(Folder, overrides: null));

        Assert.StartsWith($"Failed to load configuration from file '{Path.Combine(Folder, "appsettings.json")}': {cause}", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
