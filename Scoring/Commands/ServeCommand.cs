using System.CommandLine;
using System.Net;
using MlNetFashion.CommandLine;
using MlNetFashion.Scoring.Api;
using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Scoring.Commands;

/// <summary>serve --model FILE [--urls http://127.0.0.1:5080] [--gpu N]: the HTTP service and its web page.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model.onnx or model.zip", Required = true };
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:5080",
        };
        var gpu = GpuOption.Create();
        var command = new Command("serve", "Serve POST /predict, GET /health and a web page.") { model, urls, gpu };
        command.SetAction(parse =>
        {
            string listen = parse.GetValue(urls)!;
            CheckUrls(listen);
            // Many requests at once: one ONNX Runtime thread each, so they run side by side instead of contending.
            var options = new ClassifierOptions { GpuDeviceId = parse.GetValue(gpu), IntraOpThreads = 1 };
            using var classifier = FashionClassifier.Load(parse.GetValue(model)!, options);
            if (classifier.GpuStatus is not null) Console.Error.WriteLine(classifier.GpuStatus);
            using var app = ScoringApi.Build(classifier, listen);
            try
            {
                app.Start();
            }
            catch (Exception ex) when (ex is FormatException or IOException or System.Net.Sockets.SocketException)
            {
                // A malformed URL, a port in use, or an address this machine does not have (a bare SocketException, which
                // Kestrel does not wrap): one line naming the option (the host's own log of it is muted).
                throw new ArgumentException($"--urls {listen}: {ErrorLines.OneLine(ex)}", ex);
            }
            // Printed once listening, with the addresses Kestrel bound (port 0 → the port it picked).
            Console.WriteLine($"serving {parse.GetValue(model)} on {string.Join(", ", app.Urls)} (Ctrl+C to stop)");
            app.WaitForShutdown();
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Before loading the model, what Kestrel would report late or in its own terms: no address, a malformed URL, a
    /// scheme other than http, localhost:0, and a port past 65535 ("Specified argument was out of the range of valid values").
    /// </summary>
    private static void CheckUrls(string urls)
    {
        string[] each = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // No address at all: Kestrel would fall back to its own default, http://localhost:5000, not the one --help names.
        if (each.Length == 0) throw new ArgumentException($"--urls: expected an address such as http://127.0.0.1:5080, received '{urls}'");
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
                throw new ArgumentException($"--urls {urls}: {ErrorLines.OneLine(ex)}", ex);
            }
            // The slim host has no certificate set-up: Kestrel's own words for https are advice to the programmer
            // ("Call UseKestrelHttpsConfiguration()"), and for ftp:// they come only after the model is loaded.
            if (!address.Scheme.Equals("http", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException(
                    $"--urls: expected http:// addresses (serve has no TLS: put a TLS proxy in front for https), received '{url}'");
            }
            // Kestrel's own words come after the model is loaded and name neither the option nor the fix.
            if (address.Port == 0 && address.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException(
                    $"--urls: port 0 (a free port) needs an IP address, such as http://127.0.0.1:0; received '{url}'");
            }
            if (address.Port is < IPEndPoint.MinPort or > IPEndPoint.MaxPort)
            {
                throw new ArgumentException(
                    $"--urls: port {address.Port} is out of range ({IPEndPoint.MinPort}–{IPEndPoint.MaxPort}) in '{url}'");
            }
        }
    }
}
