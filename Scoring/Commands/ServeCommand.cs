using System.CommandLine;
using System.Net;
using MlNetFashion.CommandLine;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Scoring.Api;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Hosting;

namespace MlNetFashion.Scoring.Commands;

/// <summary>
/// serve [--model FILE] [--urls http://127.0.0.1:5080] [--gpu N] [--log-format text|json]: the HTTP service and its web
/// page. Each option may come from ASP.NET Core's configuration instead (appsettings.json, environment variables:
/// MLNETFASHION_MODEL, ASPNETCORE_URLS, Serve__LogFormat, …); the command line wins.
/// </summary>
public static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public static Command Create()
    {
        var model = ModelOption.RefuseBlank(new Option<string?>("--model")
        {
            Description = "model.onnx or model.zip (or MLNETFASHION_MODEL, Serve:Model in appsettings.json).",
        });
        var urls = new Option<string?>("--urls") { Description = $"Where to listen (or ASPNETCORE_URLS); default {DefaultUrls}." };
        var logFormat = ChoiceOption.Create<LogFormat>("--log-format",
            "Plain log lines (text, the default) or one JSON object per log entry and per request (json).");
        var gpu = GpuOption.Create();
        var command = new Command("serve", "Serve POST /predict, GET /health, /ready, /metrics and a web page.")
        {
            model, urls, gpu, logFormat,
        };
        command.SetAction(parse =>
        {
            var overrides = new Dictionary<string, string?>();
            const string section = ServeSettings.Section;
            if (parse.GetValue(model) is { } modelPath) overrides[$"{section}:{nameof(ServeSettings.Model)}"] = modelPath;
            if (parse.GetValue(logFormat) is { } format) overrides[$"{section}:{nameof(ServeSettings.LogFormat)}"] = format.ToString();
            var builder = ScoringApi.CreateBuilder(overrides);
            string? given = parse.GetValue(urls);
            // The option's name in errors when it was given; else the configuration key that supplied the address.
            string source = given is not null ? "--urls" : builder.Configuration["urls"] is not null ? "urls (ASPNETCORE_URLS)" : "--urls";
            string listen = given ?? builder.Configuration["urls"] ?? DefaultUrls;
            CheckUrls(listen, source);
            ServeSettings settings = ServeSettings.Read(builder.Configuration);
            string path = string.IsNullOrWhiteSpace(settings.Model)
                ? throw new ArgumentException("--model: expected a model file (or MLNETFASHION_MODEL, or Serve:Model in appsettings.json)")
                : settings.Model;
            ModelFile.MustExist(path);
            builder.WebHost.UseUrls(listen);
            // Many requests at once: one ONNX Runtime thread each, so they run side by side instead of contending.
            builder.Services.AddFashionClassifier(new FashionClassifierPoolOptions
            {
                ModelPath = path,
                WatchForChanges = settings.WatchModel,
                PollInterval = settings.WatchModel ? settings.ModelPollInterval : null,
                Classifier = new ClassifierOptions { GpuDeviceId = parse.GetValue(gpu), IntraOpThreads = 1 },
            });
            using var app = ScoringApi.Build(builder);
            using (var lease = app.Services.GetRequiredService<FashionClassifierPool>().Acquire())
                if (lease.Classifier.GpuStatus is not null) Console.Error.WriteLine(lease.Classifier.GpuStatus);
            try
            {
                app.Start();
            }
            catch (Exception ex) when (ex is FormatException or IOException or System.Net.Sockets.SocketException)
            {
                // A malformed URL, a port in use, or an address this machine does not have (a bare SocketException, which
                // Kestrel does not wrap): one line naming the option (the host's own log of it is muted).
                throw new ArgumentException($"{source} {listen}: {ErrorLines.OneLine(ex)}", ex);
            }
            // Printed once listening, with the addresses Kestrel bound (port 0 → the port it picked).
            Console.WriteLine($"serving {path} on {string.Join(", ", app.Urls)} (Ctrl+C to stop)");
            // SIGTERM: drain, finish the requests in flight, exit 0 (ServeSettings.DrainDelay, ShutdownTimeout); Ctrl+C: no drain delay.
            app.WaitForShutdown();
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Before loading the model, what Kestrel would report late or in its own terms: no address, a malformed URL, a
    /// scheme other than http, localhost:0, and a port past 65535 ("Specified argument was out of the range of valid values").
    /// </summary>
    private static void CheckUrls(string urls, string source)
    {
        string[] each = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // No address at all: Kestrel would fall back to its own default, http://localhost:5000, not the one --help names.
        if (each.Length == 0)
            throw new ArgumentException($"{source}: expected an address such as http://127.0.0.1:5080, received '{urls}'");
        foreach (string url in each)
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException ex)
            {
                // As app.Start would word it, but before the model is loaded.
                throw new ArgumentException($"{source} {urls}: {ErrorLines.OneLine(ex)}", ex);
            }
            // The slim host has no certificate set-up: Kestrel's own words for https are advice to the programmer
            // ("Call UseKestrelHttpsConfiguration()"), and for ftp:// they come only after the model is loaded.
            if (!address.Scheme.Equals("http", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException(
                    $"{source}: expected http:// addresses (serve has no TLS: put a TLS proxy in front for https), received '{url}'");
            // Kestrel's own words come after the model is loaded and name neither the option nor the fix.
            if (address.Port == 0 && address.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException(
                    $"{source}: port 0 (a free port) needs an IP address, such as http://127.0.0.1:0; received '{url}'");
            if (address.Port is < IPEndPoint.MinPort or > IPEndPoint.MaxPort)
                throw new ArgumentException(
                    $"{source}: port {address.Port} is out of range ({IPEndPoint.MinPort}–{IPEndPoint.MaxPort}) in '{url}'");
        }
    }
}
