using System.Diagnostics;

namespace MlNetFashion.Scoring.Api;

/// <summary>
/// One log line per request — method, path, status, latency in ms, and for /predict the label and the model version —
/// never the image. With --log-format json each is one JSON object whose "State" holds these fields. Probes (/health,
/// /ready, /metrics: a balancer's check every half second, a scrape every few) are not logged.
/// </summary>
internal static class RequestLog
{
    public const string Category = "MlNetFashion.Scoring.Requests";
    private const string LabelKey = "mlnetfashion.label", VersionKey = "mlnetfashion.model";

    /// <summary>What /predict answered, for the request's log line.</summary>
    public static void Note(HttpContext http, string label, string modelVersion)
    {
        http.Items[LabelKey] = label;
        http.Items[VersionKey] = modelVersion;
    }

    private static readonly string[] Probes = ["/health", "/ready", "/metrics"];

    public static async Task WriteAsync(HttpContext http, Func<Task> next, ILogger logger)
    {
        if (Probes.Contains(http.Request.Path.Value, StringComparer.OrdinalIgnoreCase))
        {
            await next();
            return;
        }
        long start = Stopwatch.GetTimestamp();
        try
        {
            await next();
        }
        finally
        {
            logger.LogInformation("{Method} {Path} {Status} {LatencyMs} ms label {Label} model {ModelVersion}",
                http.Request.Method, http.Request.Path.Value, http.Response.StatusCode,
                Math.Round(Stopwatch.GetElapsedTime(start).TotalMilliseconds, 3),
                http.Items[LabelKey] as string, http.Items[VersionKey] as string);
        }
    }
}
