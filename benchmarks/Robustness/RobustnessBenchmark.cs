using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Benchmarks.Robustness;

/// <summary>
/// `robustness --model FILE [--images N] [--data-dir DIR]`: the official test images rendered the ways people deliver
/// them (<see cref="Delivery"/>), each rendering encoded and scored through the public
/// <see cref="FashionClassifier.Predict(byte[], string)"/> — decoding and preprocessing included — and one accuracy per
/// way beside the plain 28×28 one. Each image's rendering is seeded by its index and the way, so runs repeat. The
/// held-out ways (<see cref="GarmentRenderer.IsHeldOut"/>) come last, under their own heading.
/// </summary>
public static class RobustnessBenchmark
{
    public sealed record Result(Delivery Delivery, int Correct, int Images)
    {
        public double Accuracy => (double)Correct / Images;
    }

    public static IReadOnlyList<Result> Run(string modelPath, int? images = null, string? dataDir = null, TextWriter? output = null)
    {
        output ??= Console.Out;
        ModelFile.MustExist(modelPath);
        if (images is <= 0) throw new ArgumentException($"--images: expected a positive count, received {images}");
        FashionMnistSplit test = FashionMnist.LoadSplit(DataLocator.Locate(dataDir), "t10k").Take(images);
        using var classifier = FashionClassifier.Load(modelPath, new ClassifierOptions { IntraOpThreads = 1 });
        output.WriteLine($"robustness: {test.Count:N0} test images, model {modelPath}");
        output.WriteLine($"{"delivery",-24} {"accuracy",9}  {"vs plain",9}");
        var results = new List<Result>();
        foreach (Delivery delivery in Enum.GetValues<Delivery>())
        {
            if (delivery == GarmentRenderer.FirstHeldOut) output.WriteLine("held out (never tuned on):");
            int correct = 0;
            // One rendering per core at a time: a busy machine's thread pool would otherwise start dozens of 1000×750 canvases.
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
            Parallel.For(0, test.Count, parallel, () => 0, (i, _, local) =>
            {
                var random = new Random(i * 16 + (int)delivery);
                byte[] encoded = GarmentRenderer.Render(test.Image(i), delivery, random);
                return local + (classifier.Predict(encoded).LabelIndex == test.Labels[i] ? 1 : 0);
            }, local => Interlocked.Add(ref correct, local));
            var result = new Result(delivery, correct, test.Count);
            results.Add(result);
            double plain = results[0].Accuracy;
            output.WriteLine($"{delivery,-24} {result.Accuracy,9:P2}  {(result.Accuracy - plain) * 100,8:+0.00;-0.00;0.00} pt");
        }
        return results;
    }
}
