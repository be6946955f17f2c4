using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlNetFashion.Engine.Calibration;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Pipeline;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Scoring.Imaging;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace MlNetFashion.Scoring.Classification;

/// <summary>
/// Scores many images at full speed: whole batches straight through an ONNX Runtime session (ML.NET's
/// OnnxTransformer runs one row per call). Accepts model.onnx, or model.zip (its embedded ONNX model).
/// </summary>
public sealed class BatchScorer : IDisposable
{
    /// <summary>Measured best for these small models on two cores (bench: batch 100–500 beat 1,000 and 2,000).</summary>
    public const int DefaultBatchSize = 128;

    private readonly InferenceSession[] _sessions;   // one single-threaded session per worker: no shared arena
    private readonly int[]? _outputOf;                // for each class, the model output scoring it; null: the same order
    private readonly InDistributionScoreKind _scoreKind;
    private readonly double? _threshold;
    private readonly string[] _outputs;               // probabilities, then logits or in_distribution_score for the score

    public BatchScorer(byte[] onnx, int? gpuDeviceId = null, int threads = 0, string modelName = "model")
    {
        ArgumentNullException.ThrowIfNull(onnx);
        // 0 means every core; a negative count meant the same without a word.
        if (threads < 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads: expected 0 (every core) or more");
        if (gpuDeviceId is < 0) throw new ArgumentOutOfRangeException(nameof(gpuDeviceId), gpuDeviceId, "gpuDeviceId: expected 0 or more");
        ModelGraph graph = ModelFile.ReadGraph(modelName, onnx);
        Classes = graph.Classes;
        OwnClasses = graph.SpeaksOfOwnClasses;
        _outputOf = graph.OutputOf;
        // As FashionClassifier scores one image: the model's rule, else the default logit score without a threshold.
        _scoreKind = graph.ScoreKind;
        _threshold = graph.InDistributionRule?.Threshold;
        _outputs = InDistributionScore.FromLogits(_scoreKind)
            ? graph.HasLogits ? [OnnxExporter.ProbabilitiesName, OnnxExporter.LogitsName] : [OnnxExporter.ProbabilitiesName]
            : [OnnxExporter.ProbabilitiesName, OnnxExporter.InDistributionScoreName];
        var options = gpuDeviceId is int id ? SessionOptions.MakeSessionOptionWithCudaProvider(id) : new SessionOptions();
        options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL;
        // One thread per run; Score runs one batch per core at a time (threads = how many). A GPU gets one session.
        options.IntraOpNumThreads = 1;
        int workers = gpuDeviceId is not null ? 1 : threads > 0 ? threads : Environment.ProcessorCount;
        _sessions = [.. Enumerable.Range(0, workers).Select(_ => new InferenceSession(onnx, options))];
    }

    /// <summary>The classes the probabilities stand for, in their order (Fashion-MNIST's for a Fashion-MNIST model).</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>True when the classes are the user's own: a verdict then names no garment (<see cref="Prediction.VerdictOf"/>).</summary>
    public bool OwnClasses { get; }

    public static BatchScorer Load(string modelPath, int? gpuDeviceId = null, int threads = 0)
    {
        ModelFile.MustExist(modelPath);
        // The constructor checks the graph (ModelFile.ReadGraph), under the file's name.
        byte[] onnx = modelPath.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)
            ? ModelFile.OnnxInZip(modelPath)
            : File.ReadAllBytes(modelPath);
        return new BatchScorer(onnx, gpuDeviceId, threads, Path.GetFileName(modelPath));
    }

    /// <summary>
    /// What a batch call gives for count images: probabilities [count, K] in <see cref="Classes"/> order, and for each image
    /// its in-distribution score and whether it is one of the classes, as <see cref="FashionClassifier"/> judges one image
    /// (the model's score and threshold, and a foreground at all); <paramref name="OwnClasses"/> as <see cref="BatchScorer.OwnClasses"/>.
    /// </summary>
    public sealed record Scores(float[] Probabilities, double[] InDistributionScores, bool[] IsKnownClass, bool OwnClasses = false)
    {
        public static readonly Scores None = new([], [], []);

        /// <summary>Image <paramref name="image"/>'s <see cref="Prediction.Verdict"/>.</summary>
        public string Verdict(int image) => Prediction.VerdictOf(OwnClasses, IsKnownClass[image]);
    }

    /// <summary>
    /// Scores count images of 784 bytes in batches (<see cref="Scores"/>; probabilities in Fashion-MNIST's class order for a
    /// Fashion-MNIST model). Batches are spread over the cores, each run single-threaded in ONNX Runtime: for these small
    /// networks that beats splitting every batch across threads.
    /// </summary>
    public Scores Score(byte[] pixels, int count, int batchSize = DefaultBatchSize)
    {
        int k = Classes.Count;
        var result = new Scores(new float[count * k], new double[count], new bool[count], OwnClasses);
        int batches = (count + batchSize - 1) / batchSize, next = -1;
        // Each worker owns one session and takes the next batch until none are left.
        Parallel.For(0, _sessions.Length, new ParallelOptions { MaxDegreeOfParallelism = _sessions.Length }, worker =>
        {
            InferenceSession session = _sessions[worker];
            var input = new float[batchSize * 784];
            for (int b = Interlocked.Increment(ref next); b < batches; b = Interlocked.Increment(ref next))
            {
                int start = b * batchSize, n = Math.Min(batchSize, count - start);
                FashionMnistSplit.Scale(pixels.AsSpan(start * 784, n * 784), input);
                var tensor = new DenseTensor<float>(input.AsMemory(0, n * 784), [n, 1, 28, 28]);
                using var outputs = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, tensor)], _outputs);
                Span<float> probabilities = result.Probabilities.AsSpan(start * k, n * k);
                ((DenseTensor<float>)outputs[0].AsTensor<float>()).Buffer.Span.CopyTo(probabilities);
                ReadOnlySpan<float> second = outputs.Count > 1 ? ((DenseTensor<float>)outputs[1].AsTensor<float>()).Buffer.Span : [];
                for (int i = 0; i < n; i++)
                {
                    // The logit scores do not depend on the classes' order; without a logits output ln p stands in, as
                    // FashionClassifier does (softmax(ln p) = p).
                    double score = !InDistributionScore.FromLogits(_scoreKind) ? second[i]
                        : second.Length > 0 ? InDistributionScore.Of(_scoreKind, second.Slice(i * k, k))
                        : InDistributionScore.Of(_scoreKind, [.. probabilities.Slice(i * k, k).ToArray().Select(v => MathF.Log(v))]);
                    result.InDistributionScores[start + i] = score;
                    result.IsKnownClass[start + i] = Foreground.HasGarmentForeground(pixels.AsSpan((start + i) * 784, 784))
                        && (_threshold is not double t || score >= t);
                }
                if (_outputOf is not null) CanonicalClassOrder.ReorderRows(_outputOf, probabilities);
            }
        });
        return result;
    }

    /// <summary>
    /// Predicted [count] class indices, the <see cref="Scores"/> (probabilities [count, K], in-distribution scores and
    /// verdicts [count]), Labels [count] when a labels file was given.
    /// </summary>
    public sealed record Result(int Count, double? Accuracy, double Seconds, double ImagesPerSecond, int[] Predicted)
    {
        public Scores Scores { get; init; } = Scores.None;
        public float[] Probabilities => Scores.Probabilities;
        public byte[]? Labels { get; init; }
        /// <summary>What the probabilities and predicted indices stand for.</summary>
        public IReadOnlyList<string> Classes { get; init; } = FashionMnistClasses.Names;
    }

    /// <summary>Scores an IDX images file (and checks against a labels file when given).</summary>
    public Result ScoreIdx(string imagesPath, string? labelsPath, int batchSize = DefaultBatchSize)
    {
        IdxFile images = IdxReader.Read(imagesPath, IdxFile.ImagesMagic);
        if (images.Dimensions is not [_, 28, 28])
            throw new InvalidDataException(
                $"{images.Name}: expected images of 28×28, found dimensions [{string.Join(", ", images.Dimensions)}]");
        byte[]? labels = null;
        if (labelsPath is not null)
        {
            IdxFile labelFile = IdxReader.Read(labelsPath, IdxFile.LabelsMagic);
            labels = FashionMnist.Validate(images, labelFile).Labels;
        }
        var clock = Stopwatch.StartNew();
        Scores scores = Score(images.Data, images.Count, batchSize);
        float[] probabilities = scores.Probabilities;
        double seconds = clock.Elapsed.TotalSeconds;
        int k = Classes.Count;
        int[] predicted = [.. Enumerable.Range(0, images.Count).Select(i => ArgMax(probabilities.AsSpan(i * k, k)))];
        double? accuracy = labels is null ? null : (double)predicted.Where((p, i) => p == labels[i]).Count() / images.Count;
        return new Result(images.Count, accuracy, seconds, images.Count / seconds, predicted)
        {
            Scores = scores, Labels = labels, Classes = Classes,
        };
    }

    private static int ArgMax(ReadOnlySpan<float> values) => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(values);

    public void Dispose()
    {
        foreach (InferenceSession session in _sessions) session.Dispose();
    }
}
