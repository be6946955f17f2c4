using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Schedules;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Training.Commands;

/// <summary>
/// bench: trains on random data for --seconds after a warm-up, then scores for --seconds; prints images/second,
/// achieved GFLOP/s (forward ×3 for a training step), threads and the GEMM provider.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var preset = CommonOptions.Preset();
        var spec = CommonOptions.ModelSpec();
        var batch = new Option<int>("--batch-size") { Description = "Batch size.", DefaultValueFactory = _ => 128 };
        var seconds = new Option<double>("--seconds") { Description = "Seconds to train and to score.", DefaultValueFactory = _ => 10 };
        var threads = CommonOptions.Threads();
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("bench", "Measure training and inference speed of a model on random data.")
        {
            preset, spec, batch, seconds, threads, json,
        };
        command.SetAction(parse =>
        {
            var (name, model, recipe) = ModelSource.Create(parse.GetValue(preset), parse.GetValue(spec));
            // The kernels the recipe trains with (MLNETFASHION_CONV still overrides them).
            var result = Run(model, parse.GetValue(batch), parse.GetValue(seconds), parse.GetValue(threads) ?? Environment.ProcessorCount,
                recipe.Convolution);
            string convolution = ConvolutionAlgorithm.Describe(ConvolutionAlgorithm.Resolve(recipe.Convolution));
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    preset = name, batchSize = parse.GetValue(batch), threads = Parallelism.Threads, gemm = Gemm.Description,
                    convolution,
                    result.TrainImagesPerSecond, result.InferenceImagesPerSecond, result.TrainGflops, result.InferenceGflops,
                }, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
            }
            else
            {
                var c = CultureInfo.InvariantCulture;
                Console.WriteLine(string.Create(c,
                    $"preset {name}, batch {parse.GetValue(batch)}, {Parallelism.Threads} threads, GEMM: {Gemm.Description}"));
                Console.WriteLine($"convolution: {convolution}");
                Console.WriteLine(string.Create(c,
                    $"train:     {result.TrainImagesPerSecond,10:N0} img/s  {result.TrainGflops,7:N1} GFLOP/s"));
                Console.WriteLine(string.Create(c,
                    $"inference: {result.InferenceImagesPerSecond,10:N0} img/s  {result.InferenceGflops,7:N1} GFLOP/s"));
            }
            return 0;
        });
        return command;
    }

    public sealed record Result(double TrainImagesPerSecond, double InferenceImagesPerSecond, double TrainGflops, double InferenceGflops);

    public static Result Run(Sequential model, int batchSize, double seconds, int threads, ConvolutionAlgorithm.Choice? convolution = null)
    {
        // NaN and Infinity pass "> 0" checks one way or the other; either made the timer never fire, so bench ran forever.
        if (batchSize <= 0 || !double.IsFinite(seconds) || seconds <= 0)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"bench: expected a positive --batch-size and a finite positive --seconds "
                + $"(received --batch-size {batchSize}, --seconds {seconds})"));
        var trainer = new EngineTrainer(model, new EngineTrainerOptions
        {
            BatchSize = batchSize, Threads = threads, Epochs = int.MaxValue, Optimizer = OptimizerKind.Adam,
            Schedule = ScheduleKind.Constant, Convolution = convolution,
        });
        // Random images of the net's input and labels over its outputs (built above): speed does not depend on the task.
        var random = new EngineRandom(1);
        int count = batchSize * 8;
        var pixels = new float[count * model.InputShape.Size];
        var labels = new int[count];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = random.NextSingle();
        for (int i = 0; i < count; i++) labels[i] = random.Next(model.OutputShape.Size);
        var data = new LabeledImages(pixels, labels, model.InputShape);
        using var timeUp = new CancellationTokenSource();
        var timer = new WarmTimer(seconds, timeUp);
        trainer.AddCallback(timer);
        try
        {
            trainer.Fit(data, cancellation: timeUp.Token);
        }
        catch (OperationCanceledException) when (timeUp.IsCancellationRequested)
        {
            // the timer ends the run
        }
        double trainRate = timer.ImagesPerSecond;

        var probabilities = new float[count * model.OutputShape.Size];
        model.Predict(pixels, count, probabilities);
        long scored = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            model.Predict(pixels, count, probabilities);
            scored += count;
        }
        double inferRate = scored / clock.Elapsed.TotalSeconds;
        double flops = ModelSummary.ForwardFlops(model);
        return new Result(trainRate, inferRate, trainRate * flops * 3 / 1e9, inferRate * flops / 1e9);
    }

    /// <summary>
    /// Counts images after a warm-up of a quarter of the time, then cancels the run when the time is up (after one measured
    /// batch at least).
    /// </summary>
    private sealed class WarmTimer(double seconds, CancellationTokenSource timeUp) : ITrainingCallback
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private Stopwatch? _measured;
        private long _images;

        public double ImagesPerSecond => _measured is null ? 0 : _images / _measured.Elapsed.TotalSeconds;

        public void OnBatchEnd(BatchMetrics metrics)
        {
            if (_measured is not null) _images += metrics.Images;
            else if (_clock.Elapsed.TotalSeconds >= seconds * 0.25) _measured = Stopwatch.StartNew();
            // At least one measured batch: a --seconds shorter than a step used to stop before any and print 0 img/s.
            if (_images > 0 && _measured!.Elapsed.TotalSeconds >= seconds) timeUp.Cancel();
        }
    }
}
