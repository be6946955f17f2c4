using System.Globalization;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Benchmarks.Operations;

/// <summary>
/// `scale-out --model FILE [--seconds S] [--clients C] [--data-dir DIR]`: POST /predict throughput of one `serve` replica
/// called directly, and of three behind HAProxy (deploy/haproxy/haproxy.cfg), all on this machine, under C concurrent
/// client loops (the scale-out test's processes and load loops). After a warm-up of both, the two are measured in turn
/// twice (A B A B, S/2 seconds each), since a shared machine's speed drifts; every answer is checked (status, model
/// version, label). Prints requests/second of each and their ratio.
/// </summary>
public static class ScaleOutBenchmark
{
    /// <summary>The goal of issue #31: through HAProxy to three replicas ≥ 70 % of one replica direct.</summary>
    public const double RatioGoal = 0.7;

    public sealed record Options(string Model, double Seconds = 20, int Clients = 8, string? DataDir = null);

    public sealed record Result(long DirectAnswered, double DirectSeconds, long BalancedAnswered, double BalancedSeconds, long Failed,
        IReadOnlyDictionary<string, long> ByReplica)
    {
        public double DirectPerSecond => DirectAnswered / DirectSeconds;
        public double BalancedPerSecond => BalancedAnswered / BalancedSeconds;
        public double Ratio => BalancedPerSecond / DirectPerSecond;
    }

    public static async Task<Result> RunAsync(Options options, TextWriter? output = null)
    {
        output ??= Console.Out;
        ModelFile.MustExist(options.Model);
        if (options.Seconds <= 0) throw new ArgumentException($"--seconds: expected a positive number, received {options.Seconds}");
        if (options.Clients <= 0) throw new ArgumentException($"--clients: expected a positive count, received {options.Clients}");
        if (Haproxy.Executable is null) throw new ArgumentException("scale-out: haproxy is not installed (./build.sh setup installs it)");
        string model = Path.GetFullPath(options.Model);
        FashionMnistSplit test = FashionMnist.LoadSplit(DataLocator.Locate(options.DataDir), "t10k");
        byte[][] images = [.. Enumerable.Range(0, 20)
            .Select(i => ImagePreprocessor.EncodePng(new GrayImage(28, 28, test.Image(i).ToArray())))];
        string[] labels;
        using (var classifier = FashionClassifier.Load(model)) labels = [.. images.Select(png => classifier.Predict(png).Label)];
        var expected = new Dictionary<string, string[]> { [ModelInfo.VersionOf(File.ReadAllBytes(model))] = labels };

        int[] ports = [Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort()];
        int lbPort = Loopback.FreePort();
        var replicas = new List<ServeProcess>();
        try
        {
            foreach (var (port, k) in ports.Select((p, k) => (p, k)))
                replicas.Add(ServeProcess.StartServe(["serve", "--model", model, "--urls", $"http://127.0.0.1:{port}"],
                    new Dictionary<string, string?> { ["MLNETFASHION_REPLICA"] = $"r{k + 1}" }));
            using var haproxy = Haproxy.Start(lbPort, ports);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var lb = new Uri($"http://127.0.0.1:{lbPort}");
            var one = new Uri($"http://127.0.0.1:{ports[0]}");
            await Haproxy.WaitUntilAllUpAsync(http, lb, haproxy);
            // Warm-up: the first seconds of a process run at tier-0 JIT.
            var warmUp = TimeSpan.FromSeconds(Math.Min(3, options.Seconds / 4));
            await new LoadDriver(http, images, expected).RunAsync(lb, options.Clients, Stop(warmUp));
            await new LoadDriver(http, images, expected).RunAsync(one, options.Clients, Stop(warmUp));

            LoadDriver direct = new(http, images, expected), balanced = new(http, images, expected);
            double directSeconds = 0, balancedSeconds = 0;
            var half = TimeSpan.FromSeconds(options.Seconds / 2);
            for (int round = 0; round < 2; round++)
            {
                directSeconds += await direct.RunAsync(one, options.Clients, Stop(half));
                balancedSeconds += await balanced.RunAsync(lb, options.Clients, Stop(half));
            }
            long failed = direct.Failed + balanced.Failed + direct.Wrong + balanced.Wrong;
            var result = new Result(direct.Answered, directSeconds, balanced.Answered, balancedSeconds, failed,
                balanced.ByReplica.ToDictionary(p => p.Key, p => p.Value));
            Print(result, options, model, output);
            if (failed > 0) output.WriteLine($"failed or wrong answers: {direct.Problems} {balanced.Problems}");
            return result;
        }
        finally
        {
            foreach (ServeProcess replica in replicas) replica.Dispose();
        }
    }

    private static CancellationToken Stop(TimeSpan after) => new CancellationTokenSource(after).Token;

    private static void Print(Result r, Options options, string model, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"scale-out: POST /predict, {options.Clients} client loops, {options.Seconds:F0} s each way, "
            + $"model {model}"));
        output.WriteLine(
            $"CPU: {MeasuredRun.CpuModelName()} ({Environment.ProcessorCount} logical cores; replicas, HAProxy and clients share them)");
        output.WriteLine("| path | requests | seconds | requests/s | goal |");
        output.WriteLine("|---|---|---|---|---|");
        output.WriteLine(string.Create(c,
            $"| one replica, direct | {r.DirectAnswered:N0} | {r.DirectSeconds:F1} | {r.DirectPerSecond:N0} | |"));
        string spread = string.Join(", ", r.ByReplica.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value:N0}"));
        output.WriteLine(string.Create(c, $"| HAProxy, three replicas ({spread}) | {r.BalancedAnswered:N0} | {r.BalancedSeconds:F1} | "
            + $"{r.BalancedPerSecond:N0} | |"));
        output.WriteLine(string.Create(c, $"| three via HAProxy / one direct | | | {r.Ratio:P0} | ≥ {RatioGoal:P0}: "
            + $"{(r.Ratio >= RatioGoal ? "met" : "NOT met")}; {r.Failed} failed |"));
        output.WriteLine("Timings are on a machine that may be shared: compare runs made side by side.");
    }
}
