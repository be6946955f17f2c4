using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Tests.Deploy;

/// <summary>`serve` as a process: configured from the environment, JSON logs, SIGTERM's drain and exit.</summary>
public class ServeLifecycleTests
{
    private static readonly byte[] Png = ImagePreprocessor.EncodePng(new GrayImage(28, 28, TrainedModel.Test.Image(0).ToArray()));

    [PosixSignalsFact]
    public async Task Serve_ConfiguredByEnvironmentWithJsonLogs_OneJsonLinePerRequestWithoutTheImage()
    {
        int port = Loopback.FreePort();
        using var serve = ServeProcess.StartServe(["serve", "--log-format", "json"], new Dictionary<string, string?>
        {
            ["MLNETFASHION_MODEL"] = TrainedModel.Onnx,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["MLNETFASHION_REPLICA"] = "east-1",
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        for (int i = 0; i < 3; i++) (await http.PostAsync("/predict", new ByteArrayContent(Png))).EnsureSuccessStatusCode();
        (await http.GetAsync("/ready")).EnsureSuccessStatusCode();
        var refused = await http.PostAsync("/predict", new StringContent("not a picture"));
        Assert.Equal("east-1", refused.Headers.GetValues("X-Replica").Single());
        serve.Terminate();
        Assert.True(serve.Process.WaitForExit(10_000), "serve did not exit within 10 s of SIGTERM");
        serve.Process.WaitForExit();   // the output readers drain

        JsonNode[] requests = [.. serve.Lines.Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!)
            .Where(j => (string?)j["Category"] == "MlNetFashion.Scoring.Requests")];
        Assert.Equal(4, requests.Length);   // three predictions and one refusal; /ready is a probe, not logged
        Assert.Equal([200, 200, 200, 400], requests.Select(r => (int)r["State"]!["Status"]!));
        Assert.All(requests[..3], r => Assert.False(string.IsNullOrEmpty((string?)r["State"]!["Label"])));
        Assert.All(requests, r => Assert.True((double)r["State"]!["LatencyMs"]! > 0));
        Assert.DoesNotContain(serve.Lines, l => l.Contains("base64", StringComparison.Ordinal) || l.Length > 1000);
        Assert.Equal(0, serve.Process.ExitCode);
    }

    [PosixSignalsFact]
    public async Task Serve_Sigterm_ReadyTurns503AtOnceRequestsServedWhileDrainingThenExitZero()
    {
        int port = Loopback.FreePort();
        using var serve = ServeProcess.StartServe(["serve", "--model", TrainedModel.Onnx, "--urls", $"http://127.0.0.1:{port}"],
            new Dictionary<string, string?> { ["Serve__DrainDelay"] = "00:00:03" });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/ready")).StatusCode);

        var clock = Stopwatch.StartNew();
        serve.Terminate();
        HttpStatusCode ready;
        while ((ready = (await http.GetAsync("/ready")).StatusCode) == HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(2))
            await Task.Delay(20);
        double turned = clock.Elapsed.TotalSeconds;
        var during = await http.PostAsync("/predict", new ByteArrayContent(Png));
        bool exited = serve.Process.WaitForExit(10_000);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready);
        Assert.True(turned < 1, $"/ready turned 503 after {turned:F2} s");
        Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        Assert.True(exited, "serve did not exit within 10 s of SIGTERM");
        Assert.True(clock.Elapsed.TotalSeconds >= 3, $"serve stopped after {clock.Elapsed.TotalSeconds:F1} s, before its 3 s drain");
        Assert.Equal(0, serve.Process.ExitCode);
    }

    [PosixSignalsFact]
    public async Task Serve_Sigint_StopsWithoutTheDrainDelayAndExitsZero()
    {
        // A drain far longer than the wait: exiting within the wait shows the drain was skipped, on a slow or busy machine
        // as well as on a quiet one.
        const int drainSeconds = 60, waitSeconds = 30;
        int port = Loopback.FreePort();
        using var serve = ServeProcess.StartServe(["serve", "--model", TrainedModel.Onnx, "--urls", $"http://127.0.0.1:{port}"],
            new Dictionary<string, string?>
            {
                ["Serve__DrainDelay"] = TimeSpan.FromSeconds(drainSeconds).ToString(),
                ["Serve__ShutdownTimeout"] = TimeSpan.FromSeconds(drainSeconds + 30).ToString(),
            });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        (await http.PostAsync("/predict", new ByteArrayContent(Png))).EnsureSuccessStatusCode();

        serve.Interrupt();
        bool exited = serve.Process.WaitForExit(TimeSpan.FromSeconds(waitSeconds));

        Assert.True(exited, $"serve did not exit within {waitSeconds} s of SIGINT (its drain delay is {drainSeconds} s, for SIGTERM); " +
            "its last lines: " + string.Join(" | ", serve.Lines.TakeLast(8)));
        Assert.Equal(0, serve.Process.ExitCode);
    }

    [PosixSignalsFact]
    public async Task Serve_SigtermUnderLoad_EveryAcceptedRequestAnsweredAndExitZeroWithin10Seconds()
    {
        int port = Loopback.FreePort();
        // The server's own log says which requests it took: each one must have reached its client.
        using var serve = ServeProcess.StartServe(
            ["serve", "--model", TrainedModel.Onnx, "--urls", $"http://127.0.0.1:{port}", "--log-format", "json"]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(20) };
        long answered = 0, notSent = 0;
        async Task Loop()
        {
            while (!serve.Process.HasExited)
            {
                try
                {
                    using var response = await http.PostAsync("/predict", new ByteArrayContent(Png));
                    if (response.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref answered);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // Refused, or a connection closed before the server read the request; the log tells them apart.
                    Interlocked.Increment(ref notSent);
                    await Task.Delay(10);
                }
            }
        }
        var loops = Enumerable.Range(0, 8).Select(_ => Task.Run(Loop)).ToArray();
        await Task.Delay(1500);
        long before = Interlocked.Read(ref answered);
        var clock = Stopwatch.StartNew();
        serve.Terminate();
        bool exited = serve.Process.WaitForExit(10_000);
        double seconds = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(loops);
        serve.Process.WaitForExit();   // the output readers drain

        Assert.True(exited, "serve did not exit within 10 s of SIGTERM");
        Assert.Equal(0, serve.Process.ExitCode);
        Assert.True(Interlocked.Read(ref answered) > before, "no request was answered after SIGTERM (the drain serves them)");
        int[] taken = [.. serve.Lines.Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!)
            .Where(j => (string?)j["Category"] == "MlNetFashion.Scoring.Requests").Select(j => (int)j["State"]!["Status"]!)];
        Assert.All(taken, status => Assert.Equal(200, status));
        Assert.True(taken.Length == answered,
            $"the server answered {taken.Length:N0} requests, its clients received {answered:N0} "
            + $"({notSent} not sent; exit after {seconds:F1} s)");
    }
}
