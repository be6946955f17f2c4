using System.Diagnostics;
using System.Globalization;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Layers;
using MlNetFashion.Engine.Layers.Convolution;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Losses;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Benchmarks;

/// <summary>
/// `dotnet run --project benchmarks -c Release -- layers [batch] [iterations] [threads] [preset] [--cpu-time]`: forward and backward
/// time of every layer of a preset (default seed001) at batch 128 (each fed the activations a real forward pass gives it), GFLOP/s
/// for the convolutions and dense layers, and the whole step (forward + loss + backward, no optimizer) as images/second; the
/// engine-speed goals are ratios to the machine's SGEMM, which `engine` measures beside the step. `--cpu-time` times one
/// thread's CPU time instead of the wall clock (<see cref="ThreadCpuClock"/>), so that minimums taken while other processes
/// share the cores still compare.
/// Each layer is also timed inside whole steps ("in step"): alone it runs on data its last call left in cache, in a step every
/// other layer runs between its forward and its backward, so the two columns differ by what the step's memory traffic costs.
/// </summary>
public static class LayerBenchmark
{
    /// <summary>What `layers` runs: <see cref="Parse"/> gives it from the mode's arguments.</summary>
    public sealed record Options(int Batch, int Iterations, int? Threads, string Preset, bool CpuTime);

    public static void Run(string[] args) => Run(Parse(args[1..]));

    /// <summary>
    /// BATCH ITERATIONS THREADS PRESET by position (each optional) and the flag --cpu-time anywhere; --cpu-time measures the
    /// calling thread, so THREADS is 1 with it (and must be, if given).
    /// </summary>
    public static Options Parse(string[] arguments)
    {
        string[] flags = [.. arguments.Where(a => a.StartsWith("--", StringComparison.Ordinal))];
        foreach (string flag in flags.Where(f => f != "--cpu-time"))
            throw new ArgumentException($"layers: unrecognized option '{flag}' (see 'layers --help')");
        bool cpuTime = flags.Length > 0;
        string[] args = [.. arguments.Where(a => !a.StartsWith("--", StringComparison.Ordinal))];
        if (args.Length > 4) throw new ArgumentException($"layers: expected at most BATCH ITERATIONS THREADS PRESET, received " +
            $"{args.Length} arguments");
        int batch = Positive(args, 0, "BATCH", 128);
        int iterations = Positive(args, 1, "ITERATIONS", 30);
        int? threads = args.Length > 2 ? Positive(args, 2, "THREADS", 0) : null;
        if (cpuTime && threads is int t && t != 1)
            throw new ArgumentException($"layers: --cpu-time measures one thread: THREADS must be 1, received {t}");
        if (cpuTime && !ThreadCpuClock.IsSupported)
            throw new ArgumentException("layers: --cpu-time: thread CPU time is measured on Linux and Windows only");
        return new Options(batch, iterations, cpuTime ? 1 : threads, args.Length > 3 ? args[3] : "seed001", cpuTime);
    }

    public static void Run(Options options)
    {
        (int batch, int iterations, string preset) = (options.Batch, options.Iterations, options.Preset);
        if (options.Threads is int threads) Parallelism.Threads = threads;
        CallClock clock = options.CpuTime ? CallClock.ThreadCpu : CallClock.Wall;
        Sequential model = Presets.Get(preset).CreateModel().Build(batch, new EngineRandom(1));
        var random = new EngineRandom(2);
        var input = new Tensor(batch, model.InputShape);
        for (int i = 0; i < input.Length; i++) input.Data[i] = random.NextSingle();
        int[] labels = [.. Enumerable.Range(0, batch).Select(i => i % 10)];

        // Inputs and output gradients each layer sees in a real step (copied: layers reuse their buffers).
        var inputs = new List<Tensor>();
        var gradients = new List<Tensor>();
        Tensor x = input;
        foreach (Layer layer in model.Layers)
        {
            inputs.Add(Copy(x));
            x = layer.Forward(x, training: true);
        }
        var loss = new SoftmaxCrossEntropy();
        loss.Forward(x, labels);
        Tensor g = loss.Backward();
        for (int i = model.Layers.Count - 1; i >= 0; i--)
        {
            gradients.Insert(0, Copy(g));
            g = model.Layers[i].Backward(g) ?? g;
        }

        // Warm-up: kernels timed at tier-0 JIT run a forward ~3× too slow, and the backward, measured by subtraction,
        // could then come out negative.
        for (int i = 0; i < 40; i++)
        {
            loss.Forward(model.Forward(input, training: true), labels);
            model.Backward(loss.Backward());
        }

        var c = CultureInfo.InvariantCulture;
        string measure = options.CpuTime ? "this thread's CPU time, " : "";
        Console.WriteLine(string.Create(c,
            $"{preset} layers, batch {batch}, {Parallelism.Threads} threads, GEMM: {Gemm.Description}, {measure}best of {iterations} " +
            $"(the minimum: other processes share the 2 cores)"));
        (double[] stepForward, double[] stepBackward) = InStep(model, input, labels, loss, iterations, clock);
        Console.WriteLine(string.Create(c,
            $"{"layer",-28} {"input",-14} {"fwd ms",8} {"bwd ms",8} {"GFLOP/s",8}   in step: {"fwd ms",8} {"bwd ms",8}"));
        double total = 0, totalInStep = 0;
        for (int i = 0; i < model.Layers.Count; i++)
        {
            Layer layer = model.Layers[i];
            double forward = Best(iterations, clock, () => layer.Forward(inputs[i], training: true));
            double backward = Best(iterations, clock, () => { layer.Forward(inputs[i], training: true); layer.Backward(gradients[i]); })
                - forward;
            double flops = ForwardFlops(layer, batch);
            string rate = flops > 0 ? (3 * flops / ((forward + backward) * 1e-3) / 1e9).ToString("F1", c) : "";
            Console.WriteLine(string.Create(c, $"{layer.Name,-28} {layer.InputShape,-14} {forward,8:F3} {backward,8:F3} {rate,8}" +
                $"             {stepForward[i],8:F3} {stepBackward[i],8:F3}"));
            total += forward + backward;
            totalInStep += stepForward[i] + stepBackward[i];
        }
        Console.WriteLine(string.Create(c, $"{"sum of layers",-43} {total,17:F2} ms   in step: {totalInStep,17:F2} ms"));

        double step = Best(iterations, clock, () =>
        {
            Tensor y = model.Forward(input, training: true);
            loss.Forward(y, labels);
            model.Backward(loss.Backward());
        });
        Console.WriteLine(string.Create(c,
            $"whole step (fwd + loss + bwd): {step:F2} ms = {batch / (step * 1e-3):N0} img/s (goals: `engine`)"));
    }

    /// <summary>
    /// Each layer's minimum forward and backward time over <paramref name="iterations"/> whole steps (forward, loss, backward, after
    /// warm-up steps), each call read by <paramref name="clock"/> as the step runs.
    /// </summary>
    private static (double[] Forward, double[] Backward) InStep(Sequential model, Tensor input, int[] labels, SoftmaxCrossEntropy loss,
        int iterations, CallClock clock)
    {
        int count = model.Layers.Count;
        double[] forward = new double[count], backward = new double[count], call = new double[count];
        Array.Fill(forward, double.MaxValue);
        Array.Fill(backward, double.MaxValue);
        for (int step = -3; step < iterations; step++)
        {
            Tensor x = input;
            for (int i = 0; i < count; i++)
            {
                double start = Now(clock);
                x = model.Layers[i].Forward(x, training: true);
                call[i] = Now(clock) - start;
            }
            if (step >= 0) Minimum(forward, call);
            loss.Forward(x, labels);
            Tensor? g = loss.Backward();
            Array.Clear(call);
            for (int i = count - 1; i >= 0 && g is not null; i--)
            {
                double start = Now(clock);
                g = model.Layers[i].Backward(g);
                call[i] = Now(clock) - start;
            }
            if (step >= 0) Minimum(backward, call);
        }
        return (forward, backward);

        static void Minimum(double[] best, double[] times)
        {
            for (int i = 0; i < best.Length; i++) best[i] = Math.Min(best[i], times[i]);
        }
    }

    /// <summary>Milliseconds by <paramref name="clock"/> from an arbitrary origin.</summary>
    private static double Now(CallClock clock) =>
        clock == CallClock.ThreadCpu ? ThreadCpuClock.Milliseconds : Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency;

    /// <summary>A positional count: a bad one is one error line naming it (int.Parse threw a FormatException trace).</summary>
    private static int Positive(string[] args, int index, string name, int fallback)
    {
        if (args.Length <= index) return fallback;
        return int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new ArgumentException($"layers: {name}: expected a positive integer, received '{args[index]}'");
    }

    /// <summary>Multiply-adds × 2 of one forward pass (backward does twice as many).</summary>
    private static double ForwardFlops(Layer layer, int batch) => layer switch
    {
        Conv2D conv => 2.0 * batch * conv.OutputShape.Size * conv.InputShape[0] * conv.KernelSize * conv.KernelSize,
        Dense dense => 2.0 * batch * dense.Units * dense.InputShape[0],
        _ => 0,
    };

    private static Tensor Copy(Tensor t)
    {
        var copy = new Tensor(t.MaxBatchSize, t.SampleShape);
        copy.SetBatchSize(t.BatchSize);
        t.Span.CopyTo(copy.Span);
        return copy;
    }

    /// <summary>Minimum over <paramref name="iterations"/> calls of <paramref name="action"/>, in ms by <paramref name="clock"/>.</summary>
    private static double Best(int iterations, CallClock clock, Action action) =>
        CallTimes.Measure(warmUp: 3, iterations, action, clock).Min().TotalMilliseconds;
}
