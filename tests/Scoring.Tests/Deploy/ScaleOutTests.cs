using System.Diagnostics;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Imaging;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Scoring.Tests.Deploy;

/// <summary>
/// deploy/haproxy/haproxy.cfg in front of three `serve` processes on 127.0.0.1, under 8 concurrent client loops, while
/// one replica is killed (-9), another is stopped with SIGTERM and started again, and the model file is replaced under
/// all of them. Bounded: about a minute of load, at most 20,000 requests after the faults (it stops by itself).
/// </summary>
public class ScaleOutTests() : TempFolderTests("scale-out-")
{
    private const int Loops = 8, TargetRequests = 20_000;

    [HaproxyFact]
    public async Task Haproxy_KillTerminateAndModelSwapUnderLoad_NoFailedRequestCompleteModelsSpreadOverReplicas()
    {
        string model = Path.Combine(Folder, "model.onnx");
        File.Copy(TrainedModel.Onnx, model);
        byte[] next = File.ReadAllBytes(ReorderedModel.Onnx);
        string oldVersion = ModelInfo.VersionOf(File.ReadAllBytes(model)), newVersion = ModelInfo.VersionOf(next);
        byte[][] images = [.. Enumerable.Range(0, 20)
            .Select(i => ImagePreprocessor.EncodePng(new GrayImage(28, 28, TrainedModel.Test.Image(i).ToArray())))];
        var labels = new Dictionary<string, string[]>
        {
            [oldVersion] = Labels(TrainedModel.Onnx, images), [newVersion] = Labels(ReorderedModel.Onnx, images),
        };

        int[] ports = [Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort()];
        int lbPort = Loopback.FreePort();
        ServeProcess StartReplica(int k) => ServeProcess.StartServe(["serve", "--model", model, "--urls", $"http://127.0.0.1:{ports[k]}"],
            new Dictionary<string, string?> { ["MLNETFASHION_REPLICA"] = $"r{k + 1}" });
        var replicas = await Task.WhenAll(Enumerable.Range(0, 3).Select(k => Task.Run(() => StartReplica(k))));
        using var haproxy = Haproxy.Start(lbPort, ports);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var lb = new Uri($"http://127.0.0.1:{lbPort}");
            await Haproxy.WaitUntilAllUpAsync(http, lb, haproxy);

            // What the balancer costs: the same loops against one replica directly, then through HAProxy to three, after a
            // warm-up of both (the first seconds of a process run at tier-0 JIT).
            await new LoadDriver(http, images, labels).RunAsync(lb, Loops, Stop(TimeSpan.FromSeconds(3)));
            var one = new Uri($"http://127.0.0.1:{ports[2]}");
            await new LoadDriver(http, images, labels).RunAsync(one, Loops, Stop(TimeSpan.FromSeconds(1)));
            var direct = new LoadDriver(http, images, labels);
            double directSeconds = await direct.RunAsync(one, Loops, Stop(TimeSpan.FromSeconds(4)));
            var balanced = new LoadDriver(http, images, labels);
            double balancedSeconds = await balanced.RunAsync(lb, Loops, Stop(TimeSpan.FromSeconds(4)));

            var chaos = new LoadDriver(http, images, labels);
            using var stop = new CancellationTokenSource();
            var load = chaos.RunAsync(lb, Loops, stop.Token);
            var clock = Stopwatch.StartNew();
            await Task.Delay(2000);
            replicas[0].Kill();
            await Task.Delay(2000);
            replicas[1].Terminate();
            var terminated = Stopwatch.StartNew();
            bool exited = replicas[1].Process.WaitForExit(15_000);
            double exitSeconds = terminated.Elapsed.TotalSeconds;
            int exitCode = exited ? replicas[1].Process.ExitCode : -1;
            replicas[1].Dispose();
            replicas[1] = StartReplica(1);
            await Task.Delay(1500);
            // As train writes a model: a temp file in the same folder, then a rename over the old one.
            string temp = Path.Combine(Folder, $".model.onnx.{Guid.NewGuid():N}.tmp");
            File.WriteAllBytes(temp, next);
            File.Move(temp, model, overwrite: true);
            var swapped = Stopwatch.StartNew();
            while (chaos.ByVersion.GetValueOrDefault(newVersion) < 100 && swapped.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(100);
            replicas[0].Dispose();
            replicas[0] = StartReplica(0);
            while (chaos.Answered + chaos.Failed + balanced.Answered < TargetRequests && clock.Elapsed < TimeSpan.FromSeconds(60))
                await Task.Delay(100);
            stop.Cancel();
            double chaosSeconds = await load;

            double directRate = direct.Answered / directSeconds, balancedRate = balanced.Answered / balancedSeconds;
            long total = balanced.Answered + balanced.Failed + chaos.Answered + chaos.Failed;
            Console.WriteLine($"scale-out: direct to one replica {directRate:N0} req/s; through HAProxy to three {balancedRate:N0} req/s "
                + $"({balancedRate / directRate:P0}); under faults {chaos.Answered:N0} answered in {chaosSeconds:F1} s; "
                + $"{total:N0} requests through HAProxy, {balanced.Failed + chaos.Failed} failed; by replica {Describe(balanced, chaos)}; "
                + $"SIGTERM → exit {exitCode} in {exitSeconds:F1} s; "
                + $"model versions {string.Join(", ", chaos.ByVersion.Select(p => $"{p.Key}: {p.Value:N0}"))}");

            Assert.True(exited && exitCode == 0, $"SIGTERM: expected exit 0 within 10 s, got {exitCode} after {exitSeconds:F1} s");
            Assert.True(exitSeconds < 10, $"SIGTERM: exit took {exitSeconds:F1} s");
            Assert.True(direct.Failed + balanced.Failed + chaos.Failed == 0,
                $"{direct.Failed + balanced.Failed + chaos.Failed} failed: {direct.Problems} {balanced.Problems} {chaos.Problems}");
            Assert.True(direct.Wrong + balanced.Wrong + chaos.Wrong == 0,
                $"answers not from a complete model: {balanced.Problems} {chaos.Problems}");
            Assert.True(chaos.ByVersion.GetValueOrDefault(newVersion) > 0, $"the new model {newVersion} never answered");
            Assert.Equal(["r1", "r2", "r3"], balanced.ByReplica.Keys.Order());
            long least = balanced.ByReplica.Values.Min();
            Assert.True(least >= balanced.Answered / 10, $"requests not spread over the replicas: {Describe(balanced, chaos)}");
            Assert.True(chaos.ByReplica.Keys.Order().SequenceEqual(["r1", "r2", "r3"]),
                $"a replica never answered during the faults: {Describe(balanced, chaos)}");
        }
        finally
        {
            foreach (var replica in replicas) replica.Dispose();
        }
    }

    private static CancellationToken Stop(TimeSpan after) => new CancellationTokenSource(after).Token;

    private static string[] Labels(string modelPath, byte[][] images)
    {
        using var classifier = FashionClassifier.Load(modelPath);
        return [.. images.Select(png => classifier.Predict(png).Label)];
    }

    private static string Describe(LoadDriver balanced, LoadDriver chaos) =>
        string.Join(", ", balanced.ByReplica.Keys.Union(chaos.ByReplica.Keys).Order()
            .Select(r => $"{r}: {balanced.ByReplica.GetValueOrDefault(r):N0} + {chaos.ByReplica.GetValueOrDefault(r):N0}"));
}
