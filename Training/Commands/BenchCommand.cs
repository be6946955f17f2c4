using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MlNetFashion.Benchmarks;
using MlNetFashion.Engine.Models;

namespace MlNetFashion.Training.Commands;

/// <summary>
/// bench: the engine's training and inference speed on random data (<see cref="TrainingBenchmark"/>); prints
/// images/second, achieved GFLOP/s, threads, the GEMM provider and the convolution kernels.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var net = new NetOptions();
        var batch = new Option<int>("--batch-size") { Description = "Batch size.", DefaultValueFactory = _ => 128 };
        var seconds = new Option<double>("--seconds") { Description = "Seconds to train and to score.", DefaultValueFactory = _ => 10 };
        var threads = CommonOptions.Threads();
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("bench", "Measure training and inference speed of a model on random data.")
        {
            net.Preset, net.ModelSpec, batch, seconds, threads, json,
        };
        command.SetAction(parse =>
        {
            var (preset, spec) = net.Read(parse);
            var (name, model, recipe) = ModelSource.Create(preset, spec);
            int batchSize = parse.GetValue(batch);
            double time = parse.GetValue(seconds);
            if (batchSize <= 0 || !double.IsFinite(time) || time <= 0)
            {
                string received = string.Create(CultureInfo.InvariantCulture, $"--batch-size {batchSize}, --seconds {time}");
                throw new ArgumentException(
                    $"bench: expected a positive --batch-size and a finite positive --seconds (received {received})");
            }
            int threadCount = parse.GetValue(threads) ?? Environment.ProcessorCount;
            // The kernels the recipe trains with.
            var result = TrainingBenchmark.Run(model, batchSize, time, threadCount, recipe.Convolution);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    preset = name, batchSize, threads = result.Threads, gemm = result.Gemm, convolution = result.Convolution,
                    result.TrainImagesPerSecond, result.InferenceImagesPerSecond, result.TrainGflops, result.InferenceGflops,
                }, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
            }
            else
            {
                var c = CultureInfo.InvariantCulture;
                Console.WriteLine(string.Create(c, $"preset {name}, batch {batchSize}, {result.Threads} threads, GEMM: {result.Gemm}"));
                Console.WriteLine($"convolution: {result.Convolution}");
                Console.WriteLine(
                    string.Create(c, $"train:     {result.TrainImagesPerSecond,10:N0} img/s  {result.TrainGflops,7:N1} GFLOP/s"));
                Console.WriteLine(
                    string.Create(c, $"inference: {result.InferenceImagesPerSecond,10:N0} img/s  {result.InferenceGflops,7:N1} GFLOP/s"));
            }
            return 0;
        });
        return command;
    }
}
