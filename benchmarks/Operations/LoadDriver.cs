using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using MlNetFashion.Scoring.Api;

namespace MlNetFashion.Benchmarks.Operations;

/// <summary>
/// Concurrent loops of POST /predict, each answer checked: status 200, a model version that is one of the expected ones,
/// and the label that version gives for the image. Counts answers by replica (X-Replica) and by model version.
/// </summary>
public sealed class LoadDriver(HttpClient http, byte[][] images, IReadOnlyDictionary<string, string[]> labelsByVersion)
{
    private long _sent, _failed, _wrong;
    private readonly ConcurrentQueue<string> _problems = new();

    public long Answered => Interlocked.Read(ref _sent) - Failed;
    public long Failed => Interlocked.Read(ref _failed);
    public long Wrong => Interlocked.Read(ref _wrong);
    public ConcurrentDictionary<string, long> ByReplica { get; } = new();
    public ConcurrentDictionary<string, long> ByVersion { get; } = new();

    /// <summary>The first few failures and wrong answers, for the assertion message.</summary>
    public string Problems => string.Join(" | ", _problems.Take(5));

    /// <summary>Runs <paramref name="loops"/> loops until <paramref name="stop"/>; requests already sent are awaited.</summary>
    public async Task<double> RunAsync(Uri url, int loops, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, loops).Select(_ => Task.Run(() => LoopAsync(url, stop))));
        return clock.Elapsed.TotalSeconds;
    }

    private async Task LoopAsync(Uri url, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            int i = (int)(Interlocked.Increment(ref _sent) % images.Length);
            try
            {
                using var response = await http.PostAsync(new Uri(url, "/predict"), new ByteArrayContent(images[i]));
                string body = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode)
                {
                    Fail($"{(int)response.StatusCode} {body[..Math.Min(body.Length, 160)]}");
                    continue;
                }
                string version = response.Headers.TryGetValues(ScoringApi.ModelVersionHeader, out var v) ? v.First() : "(none)";
                string replica = response.Headers.TryGetValues(ScoringApi.ReplicaHeader, out var r) ? r.First() : "(none)";
                ByReplica.AddOrUpdate(replica, 1, (_, n) => n + 1);
                ByVersion.AddOrUpdate(version, 1, (_, n) => n + 1);
                string? label = (string?)JsonNode.Parse(body)?["prediction"]?["label"];
                if (!labelsByVersion.TryGetValue(version, out string[]? expected) || expected[i] != label)
                {
                    Interlocked.Increment(ref _wrong);
                    _problems.Enqueue($"image {i}: '{label}' from model {version} on {replica}");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Fail(ex.Message);
            }
        }
    }

    private void Fail(string why)
    {
        Interlocked.Increment(ref _failed);
        _problems.Enqueue(why);
    }
}
