using System.Globalization;
using Microsoft.Extensions.Configuration;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Scoring.Api;

/// <summary>How serve logs: plain lines, or one JSON object per line (a line per request too).</summary>
public enum LogFormat
{
    Text,
    Json,
}

/// <summary>
/// The service's settings, section "Serve" of ASP.NET Core's configuration: appsettings.json, then environment variables
/// (Serve__Model, or MLNETFASHION_MODEL and MLNETFASHION_REPLICA), then serve's command-line options.
/// </summary>
public sealed record ServeSettings
{
    public const string Section = "Serve";

    /// <summary>The model file (serve's --model).</summary>
    public string? Model { get; init; }

    /// <summary>This replica's name, sent as the X-Replica header of every answer (none when empty).</summary>
    public string? Replica { get; init; }

    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    /// <summary>A log line per request (method, path, status, latency, label, model version) also with text logs.</summary>
    public bool LogRequests { get; init; }

    /// <summary>Load a replaced model file and swap it in without a restart.</summary>
    public bool WatchModel { get; init; } = true;

    /// <summary>Also check the model file this often (none: only on file-system events, which network volumes may not raise).</summary>
    public TimeSpan? ModelPollInterval { get; init; }

    /// <summary>
    /// After SIGTERM, how long /ready answers 503 while requests are still served, so a load balancer's health checks
    /// take the replica out before it stops listening.
    /// </summary>
    public TimeSpan DrainDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The whole shutdown after SIGTERM, drain included: requests still running then are cut.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Environment variables that stand for a setting, as their names are easier to give a container.</summary>
    public static readonly IReadOnlyDictionary<string, string> EnvironmentAliases = new Dictionary<string, string>
    {
        ["MLNETFASHION_MODEL"] = $"{Section}:{nameof(Model)}",
        ["MLNETFASHION_REPLICA"] = $"{Section}:{nameof(Replica)}",
    };

    public static ServeSettings Read(IConfiguration configuration)
    {
        CheckValues(configuration.GetSection(Section));
        ServeSettings settings = configuration.GetSection(Section).Get<ServeSettings>() ?? new ServeSettings();
        // ASP.NET Core's own switch to JSON logs means the same as ours.
        bool jsonConsole = string.Equals(configuration["Logging:Console:FormatterName"], "json", StringComparison.OrdinalIgnoreCase);
        if (configuration[$"{Section}:{nameof(LogFormat)}"] is null && jsonConsole) settings = settings with { LogFormat = LogFormat.Json };
        if (settings.DrainDelay < TimeSpan.Zero || settings.DrainDelay >= settings.ShutdownTimeout)
            throw new ArgumentException($"{Section}:{nameof(DrainDelay)}: expected at least 0 and less than "
                + $"{Section}:{nameof(ShutdownTimeout)} ({settings.ShutdownTimeout}), received {settings.DrainDelay}");
        if (settings.ModelPollInterval is { } poll && poll <= TimeSpan.Zero)
            throw new ArgumentException(
                $"{Section}:{nameof(ModelPollInterval)}: expected a positive time such as 00:00:30, received {poll}");
        return settings;
    }

    private const string TimeExample = "a time such as 00:00:30";

    /// <summary>
    /// Each value against its setting's type, before the binder sees it: the binder names the .NET type in its error
    /// ("to type 'System.TimeSpan'"), and takes a number ("5") as a log format no member has.
    /// </summary>
    private static void CheckValues(IConfigurationSection section)
    {
        System.Reflection.PropertyInfo[] properties = typeof(ServeSettings).GetProperties();
        // The binder skips a key no property has: a misspelt Serve__DrainDelays would be ignored without a word.
        foreach (IConfigurationSection child in section.GetChildren())
        {
            if (!properties.Any(p => p.Name.Equals(child.Key, StringComparison.OrdinalIgnoreCase)))
                throw new ArgumentException($"{Section}:{child.Key}: unknown setting; expected one of "
                    + string.Join(", ", properties.Select(p => p.Name)));
        }
        foreach (System.Reflection.PropertyInfo property in properties)
        {
            if (section[property.Name] is not { } value) continue;
            Type type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            string? expected =
                type == typeof(bool) ? bool.TryParse(value, out _) ? null : "true or false"
                : type == typeof(TimeSpan) ? TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _) ? null : TimeExample
                : type == typeof(LogFormat) ? EnumSpelling.TryParse(value, out LogFormat _) ? null : EnumSpelling.Expected<LogFormat>()
                : null;
            if (expected is not null) throw new ArgumentException($"{Section}:{property.Name}: expected {expected}, received '{value}'");
        }
    }
}
