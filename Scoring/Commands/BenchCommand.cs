using System.CommandLine;
using System.Globalization;
using MlNetFashion.Benchmarks;
using MlNetFashion.CommandLine;
using MlNetFashion.Pipeline.Data;

namespace MlNetFashion.Scoring.Commands;

/// <summary>bench --model model.onnx: our scoring paths next to raw ONNX Runtime, in one run (<see cref="ScoringBenchmark"/>).</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var model = ModelOption.Required("model.onnx");
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder with the Fashion-MNIST files." };
        // A model with test-time views runs its net ten times per image: its batch figures take ~10× as long, so
        // --images lets a run measure them on fewer test images.
        var images = new Option<int?>("--images")
        {
            Description = "Batch-score only the first N test images (default: all 10,000).",
        };
        var command = new Command("bench", "Measure Predict and batch scoring against raw ONNX Runtime.") { model, dataDir, images };
        command.SetAction(parse =>
        {
            int? count = parse.GetValue(images);
            if (count is <= 0) throw new ArgumentException($"--images: expected a positive number of images, received {count}");
            string modelPath = parse.GetValue(model)!;
            byte[] onnx = ScoringBenchmark.ReadModel(modelPath);
            string dir = DataLocator.Locate(parse.GetValue(dataDir));
            FashionMnistSplit test = FashionMnist.LoadSplit(dir, "t10k").Take(count);
            var c = CultureInfo.InvariantCulture;
            // Said first: the batch rounds take minutes on all 10,000 images, and --images beyond the test set are
            // silently the whole set otherwise (as train's --limit-test).
            string clamped = count > test.Count
                ? string.Create(c, $" (--images {count:N0}: the test set has {test.Count:N0})")
                : "";
            Console.WriteLine(string.Create(c, $"bench {modelPath} on {test.Count:N0} test images from {dir}{clamped}"));
            var f = ScoringBenchmark.Run(modelPath, onnx, test);
            double bestRaw = Math.Min(f.RawP50Microseconds1Thread, f.RawP50Microseconds2Threads);
            double predictRatio = f.PredictPngP50Microseconds / bestRaw;
            double batchRatio = f.BatchScorerImagesPerSecond / f.RawBatchImagesPerSecond;
            string p50s = string.Create(c,
                $"{f.RawP50Microseconds1Thread:F1} µs (1 thread), {f.RawP50Microseconds2Threads:F1} µs (2 threads)");
            Console.WriteLine($"raw ONNX Runtime, one image:     p50 {p50s}");
            Console.WriteLine(string.Create(c,
                $"Predict(PNG bytes), one image:   p50 {f.PredictPngP50Microseconds:F1} µs = {predictRatio:F2}× raw (goal ≤ 1.5×)"));
            Console.WriteLine(string.Create(c,
                $"raw ONNX Runtime, {test.Count:N0} images: {f.RawBatchImagesPerSecond:N0} img/s at its best ({f.RawBatchSetting})"));
            string batchRate = string.Create(c, $"{f.BatchScorerImagesPerSecond:N0} img/s");
            Console.WriteLine(
                string.Create(c, $"BatchScorer, {test.Count:N0} images:      {batchRate} = {batchRatio:F2}× raw (goal ≥ 1.0×)"));
            return 0;
        });
        return command;
    }
}
