using System.Diagnostics;
using MlNetFashion.Scoring.Api;

namespace MlNetFashion.Benchmarks.Operations;

/// <summary>Debian's HAProxy (./build.sh setup installs it) run with deploy/haproxy/haproxy.cfg in front of replicas.</summary>
public static class Haproxy
{
    /// <summary>haproxy on PATH or in /usr/sbin; null when not installed.</summary>
    public static string? Executable { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin")
        .Select(dir => Path.Combine(dir, "haproxy")).FirstOrDefault(File.Exists);

    /// <summary>HAProxy on 127.0.0.1:<paramref name="port"/> over the three replicas on 127.0.0.1 at <paramref name="replicas"/>.</summary>
    public static ServeProcess Start(int port, IReadOnlyList<int> replicas)
    {
        if (Executable is null)
            throw new InvalidOperationException("haproxy is not installed (./build.sh setup installs Debian's haproxy)");
        if (replicas.Count != 3) throw new ArgumentException($"deploy/haproxy/haproxy.cfg names 3 replicas, received {replicas.Count}");
        string config = Path.Combine(ServeProcess.Root, "deploy", "haproxy", "haproxy.cfg");
        return ServeProcess.Start(Executable, ["-f", config], new Dictionary<string, string?>
        {
            ["MLNETFASHION_LB_BIND"] = $"127.0.0.1:{port}",
            ["MLNETFASHION_REPLICA_1"] = $"127.0.0.1:{replicas[0]}",
            ["MLNETFASHION_REPLICA_2"] = $"127.0.0.1:{replicas[1]}",
            ["MLNETFASHION_REPLICA_3"] = $"127.0.0.1:{replicas[2]}",
        });
    }

    /// <summary>HAProxy is listening and every replica answers through it (its checks need two passes to mark one up).</summary>
    public static async Task WaitUntilAllUpAsync(HttpClient http, Uri lb, ServeProcess haproxy, int replicas = 3)
    {
        var seen = new HashSet<string>();
        var clock = Stopwatch.StartNew();
        while (seen.Count < replicas)
        {
            if (haproxy.Process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30))
                throw new InvalidOperationException(
                    $"HAProxy did not reach {replicas} replicas ({string.Join(", ", seen)}): {string.Join(" | ", haproxy.Lines)}");
            try
            {
                using var response = await http.GetAsync(new Uri(lb, "/ready"));
                if (response.IsSuccessStatusCode && response.Headers.TryGetValues(ScoringApi.ReplicaHeader, out var r))
                    seen.Add(r.First());
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
    }
}
