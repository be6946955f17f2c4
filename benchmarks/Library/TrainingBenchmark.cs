using System.Diagnostics;
using MlNetFashion.Engine.Kernels;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Optimizers;
using MlNetFashion.Engine.Schedules;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Benchmarks;

/// <summary>
/// The engine's training and inference speed on random data of a net's shape: trains for the time given after a
/// warm-up, then scores for the same time. Achieved GFLOP/s count a training step as three forward passes.
/// </summary>
public static class TrainingBenchmark
{
    /// <param name="Threads">The threads the engine ran on.</param>
    /// <param name="Gemm">The GEMM provider the engine used.</param>
    /// <param name="Convolution">The convolution kernels the net was built with.</param>
    public sealed record Result(double TrainImagesPerSecond, double InferenceImagesPerSecond, double TrainGflops, double InferenceGflops,
        int Threads, string Gemm, string Convolution);

    /// <param name="convolution">The recipe's kernels (the MLNETFASHION_CONV environment variable still overrides them).</param>
    public static Result Run(Sequential model, int batchSize, double seconds, int threads, ConvolutionAlgorithm.Choice? convolution = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        // NaN and Infinity would pass a plain "> 0" check one way or the other, and the timer would never fire.
        if (!double.IsFinite(seconds) || seconds <= 0)
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "expected a finite positive number of seconds");
        var options = new EngineTrainerOptions
        {
            BatchSize = batchSize, Threads = threads, Epochs = int.MaxValue, Optimizer = OptimizerKind.Adam,
            Schedule = ScheduleKind.Constant,
            Convolution = convolution,
        };
        var trainer = new EngineTrainer(model, options);
        // Random images of the net's input and labels over its outputs: speed does not depend on the task.
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
        return new Result(trainRate, inferRate, trainRate * flops * 3 / 1e9, inferRate * flops / 1e9,
            Parallelism.Threads, Gemm.Description, ConvolutionAlgorithm.Describe(ConvolutionAlgorithm.Resolve(convolution)));
    }

    /// <summary>
    /// Counts images after a warm-up of a quarter of the time, then cancels the run when the time is up (after one
    /// measured batch at least).
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
            // At least one measured batch: a time shorter than one step still gives a rate, not 0 img/s.
            if (_images > 0 && _measured!.Elapsed.TotalSeconds >= seconds) timeUp.Cancel();
        }
    }
}
