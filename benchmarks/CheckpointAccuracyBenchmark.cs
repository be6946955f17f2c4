using MlNetFashion.Engine.Checkpoints;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Evaluation;

namespace MlNetFashion.Benchmarks;

/// <summary>
/// `checkpoints PRESET|SPEC.json CKPT …`: the official test accuracy of each checkpoint's weights, on the image alone.
/// A run keeps last.ckpt (the last epoch's weights: what Keras' EarlyStopping keeps at its default,
/// restore_best_weights=False) beside best.ckpt (the monitored best epoch, which the exported model holds), so one run
/// answers whether restoring the best epoch paid (README, seed001 in "What we tried").
/// </summary>
public static class CheckpointAccuracyBenchmark
{
    public static void Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: checkpoints PRESET|SPEC.json CKPT...");
            Environment.Exit(2);
        }
        FashionMnistSplit test = FashionMnist.Load().Test;
        bool spec = args[0].EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        Console.WriteLine("checkpoint | epoch | test accuracy");
        foreach (string path in args[1..])
        {
            try
            {
                Sequential model = ModelSource.Create(spec ? null : Presets.Get(args[0]).Kind, spec ? args[0] : null).Model;
                model.Build(maxBatchSize: 500, new EngineRandom(0));
                var (header, weights, _, average) = CheckpointFile.Read(path);
                WeightsSnapshot.FromValues(average ?? weights).Restore(model);
                Console.WriteLine($"{path} | {header.Epoch} | {EngineAccuracy.On(model, test):P2}");
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or System.Text.Json.JsonException)
            {
                // A missing or foreign checkpoint, a net it does not fit or a bad spec (SpecException is a JsonException):
                // one line, and on to the next file.
                Console.Error.WriteLine($"error: {path}: {e.Message}");
                Environment.ExitCode = 1;
            }
        }
    }
}
