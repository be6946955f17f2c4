using System.Diagnostics;
using System.Text.Json.Nodes;
using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Tests.Api;

/// <summary>
/// A bounded load on 127.0.0.1: 50 concurrent clients, 5,000 requests in total (and at most 2 minutes), zero errors,
/// the same answers as sequential calls, no memory growth between the first and the last thousand requests.
/// benchmarks/load_test.sh runs the same test longer (MLNETFASHION_LOAD_REQUESTS, MLNETFASHION_LOAD_MINUTES).
/// </summary>
public class LoadTests
{
    [Fact]
    public async Task Serve_FiftyConcurrentClients_NoErrorsSameAnswersStableMemory()
    {
        const int clients = 50;
        int total = int.TryParse(Environment.GetEnvironmentVariable("MLNETFASHION_LOAD_REQUESTS"), out int n) && n >= 5000 ? n : 5000;
        double minutes = double.TryParse(Environment.GetEnvironmentVariable("MLNETFASHION_LOAD_MINUTES"),
            System.Globalization.CultureInfo.InvariantCulture, out double m) && m > 0 ? m : 2;
        await using var server = await RealServer.StartAsync();
        byte[][] images = [.. Enumerable.Range(0, 20)
            .Select(i => ImagePreprocessor.EncodePng(new GrayImage(28, 28, TrainedModel.Test.Image(i).ToArray())))];
        string[] expected = [.. Enumerable.Range(0, 20).Select(i => server.Classifier.PredictPixels(TrainedModel.Test.Image(i)).Label)];
        // Warm-up outside the measurement: the first requests build engines and JIT the pipeline.
        using (var warm = new HttpClient { BaseAddress = new Uri(server.Url) })
            for (int i = 0; i < 20; i++) (await warm.PostAsync("/predict", new ByteArrayContent(images[i]))).EnsureSuccessStatusCode();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromSeconds(30) };
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(minutes));
        var latencies = new double[total];
        int next = -1, errors = 0, wrong = 0;
        long memoryAfterFirst = 0;
        async Task Client()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total && !deadline.IsCancellationRequested)
            {
                var clock = Stopwatch.StartNew();
                try
                {
                    using var response = await http.PostAsync("/predict", new ByteArrayContent(images[i % images.Length]), deadline.Token);
                    string body = await response.Content.ReadAsStringAsync(deadline.Token);
                    if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                    else if ((string?)JsonNode.Parse(body)!["prediction"]!["label"] != expected[i % images.Length])
                        Interlocked.Increment(ref wrong);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
                latencies[i] = clock.Elapsed.TotalMilliseconds;
                if (i == 1000) memoryAfterFirst = GC.GetTotalMemory(forceFullCollection: true);
            }
        }
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(Client)));
        double seconds = wall.Elapsed.TotalSeconds;
        long memoryAtEnd = GC.GetTotalMemory(forceFullCollection: true);

        Assert.False(deadline.IsCancellationRequested, $"the load did not finish within {minutes} minutes");
        Assert.Equal(0, errors);
        Assert.Equal(0, wrong);
        double[] sorted = [.. latencies.Order()];
        Console.WriteLine($"load: {total} requests, {clients} clients, {total / seconds:N0} req/s, p50 {sorted[total / 2]:F1} ms, p99 " +
            $"{sorted[total * 99 / 100]:F1} ms, managed memory {memoryAfterFirst / 1e6:F1} → {memoryAtEnd / 1e6:F1} MB");
        Assert.True(memoryAtEnd < memoryAfterFirst * 1.5 + 20_000_000, $"memory grew from {memoryAfterFirst:N0} to {memoryAtEnd:N0} bytes");
    }
}
