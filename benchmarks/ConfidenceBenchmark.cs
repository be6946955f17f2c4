using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Engine.Calibration;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Imaging;
using SkiaSharp;

namespace MlNetFashion.Benchmarks;

/// <summary>
/// `confidence --model FILE [--images N] [--ood-dir DIR] [--data-dir DIR]`: does the model know when it does not know?
/// ECE before and after temperature scaling on the test images; for each family of images that are not garments, the
/// AUROC of each in-distribution score against the test images and the share accepted at 95 % true-accept (the
/// threshold accepting 95 % of the test images), for the raw scores and for the classifier's verdict (its score with
/// the foreground check); and the explanations' deletion test: removing the 20 % most salient pixels must lower the
/// predicted class's probability more than removing 20 % at random.
/// </summary>
public static partial class ConfidenceBenchmark
{
    public const string Usage = "confidence --model FILE [--images N] [--explain-images N] [--ood-dir DIR] [--data-dir DIR]";
    private const int Classes = 10, Pixels = 784, FamilySize = 300, DeletionImages = 1000;

    public sealed record Options(string Model, int? Images, string? OodDir, string? DataDir, int ExplainImages = DeletionImages);

    /// <summary>One row of the OOD table.</summary>
    public sealed record FamilyResult(string Family, int Count, IReadOnlyDictionary<string, double> Auroc, double FalseAcceptAt95,
        double FalseAcceptAtModel);

    public sealed record Result(double Temperature, double EceBefore, double EceAfter, IReadOnlyList<FamilyResult> Families,
        double DeletionHolds, int DeletionCount, double ExplainMilliseconds, IReadOnlyList<string> Notes);

    public static Options Parse(string[] args)
    {
        string? model = null, oodDir = null, dataDir = null;
        int? images = null;
        int explainImages = DeletionImages;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"confidence: {args[i]} expects a value");
            switch (args[i])
            {
                case "--model": model = Value(); break;
                case "--ood-dir": oodDir = Value(); break;
                case "--data-dir": dataDir = Value(); break;
                case "--images":
                    string v = Value();
                    images = int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
                        ? n : throw new ArgumentException($"--images: expected a positive whole number, received '{v}'");
                    break;
                case "--explain-images":
                    string e = Value();
                    explainImages = int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out int m)
                        ? m : throw new ArgumentException($"--explain-images: expected a whole number, received '{e}'");
                    break;
                default: throw new ArgumentException($"confidence: unrecognized argument '{args[i]}' (usage: {Usage})");
            }
        }
        return new Options(model ?? throw new ArgumentException($"confidence: --model is required (usage: {Usage})"), images, oodDir,
            dataDir, explainImages);
    }

    public static void Run(string[] args) => Print(Measure(Parse(args)));

    public static Result Measure(Options options)
    {
        ModelFile.MustExist(options.Model);
        byte[] onnx = ModelFile.ReadOnnx(options.Model);
        FashionMnistSplit test = FashionMnist.Load(options.DataDir).Test.Take(options.Images);
        using var classifier = FashionClassifier.Load(options.Model);
        using var session = new InferenceSession(onnx);
        var notes = new List<string>();
        InDistributionScoreKind kind = classifier.InDistributionScoreKind;
        InDistributionScoreKind graphKind = InDistributionScore.FromLogits(kind) ? InDistributionScoreKind.FeatureDistance : kind;
        if (classifier.InDistributionThreshold is null)
            notes.Add("the model stores no in-distribution threshold (trained without a validation split)");

        float[] testLogits = Logits(session, test.Pixels, test.Count);
        int[] labels = [.. test.Labels];
        var before = new float[testLogits.Length];
        var after = new float[testLogits.Length];
        TemperatureScaling.Softmax(testLogits, Classes, 1, before);
        TemperatureScaling.Softmax(testLogits, Classes, classifier.Temperature, after);
        double eceBefore = CalibrationError.Expected(before, labels, Classes), eceAfter = CalibrationError.Expected(after, labels, Classes);

        var families = new List<(string Name, Family Images)>
        {
            ("blank and uniform", Uniform()), ("noise", Noise(new Random(1))), ("text", Text(new Random(2))), ("shapes",
                Shapes(new Random(3))),
        };
        // Families no choice of the score was tuned on: what a family never seen scores.
        families.Add(("symbols (held out)", Symbols(new Random(4))));
        if (Icons(notes) is { } icons) families.Add(("icons (held out)", icons));
        string? oodDir = options.OodDir ?? PythonFamilies(notes);
        foreach (string name in new[] { "digits", "photos" })
        {
            string path = oodDir is null ? "" : Path.Combine(oodDir, name + ".u8");
            if (File.Exists(path)) families.Add((name, ReadRaw(path)));
            else if (oodDir is not null) notes.Add($"{name}: {path} not found, family left out");
        }

        Dictionary<InDistributionScoreKind, double[]> idScores = AllScores(session, test.Pixels, test.Count, testLogits, graphKind);
        double[] idVerdict = Gated(idScores[kind], new Family(test.Pixels, [.. Enumerable.Repeat(true, test.Count)]));
        double threshold95 = InDistributionScore.Threshold(idVerdict);
        double modelThreshold = classifier.InDistributionThreshold ?? double.NegativeInfinity;
        var rows = new List<FamilyResult>();
        foreach (var (name, images) in families)
        {
            int count = images.SourceHasForeground.Length;
            Dictionary<InDistributionScoreKind, double[]> scores = AllScores(session, images.Pixels, count,
                Logits(session, images.Pixels, count), graphKind);
            var auroc = scores.ToDictionary(s => InDistributionScore.Name(s.Key), s => Auroc(idScores[s.Key], s.Value));
            double[] verdict = Gated(scores[kind], images);
            auroc["verdict"] = Auroc(idVerdict, verdict);
            rows.Add(new FamilyResult(name, count, auroc, verdict.Count(s => s >= threshold95) / (double)count, verdict.Count(s
                => s >= modelThreshold) / (double)count));
        }

        (double holds, int deletionCount, double ms) = Deletion(classifier, session, test, Math.Min(options.ExplainImages, test.Count));
        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"the model's threshold accepts {idVerdict.Count(s => s >= modelThreshold) / (double)idVerdict.Length:P1} of the test images"));
        return new Result(classifier.Temperature, eceBefore, eceAfter, rows, holds, deletionCount, ms, notes);
    }

    public static void Print(Result r)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c,
            $"temperature {r.Temperature:F3}; ECE (15 bins) {r.EceBefore:P2} before, {r.EceAfter:P2} after"));
        string[] kinds = [.. r.Families.First().Auroc.Keys];
        string aurocs = string.Join(" | ", kinds.Select(k => "AUROC " + k));
        Console.WriteLine($"family | images | {aurocs} | accepted at 95 % TAR | accepted at the model's threshold");
        foreach (FamilyResult f in r.Families)
            Console.WriteLine(string.Create(c,
                $"{f.Family} | {f.Count} | {string.Join(" | ", kinds.Select(k => f.Auroc[k].ToString("F4", c)))} | ")
                + string.Create(c, $"{f.FalseAcceptAt95:P1} | {f.FalseAcceptAtModel:P1}"));
        if (r.DeletionCount > 0)
            Console.WriteLine(string.Create(c,
                $"deletion test: holds on {r.DeletionHolds:P1} of {r.DeletionCount} test images; ")
                + string.Create(c, $"Explain {r.ExplainMilliseconds:F1} ms per image (median)"));
        foreach (string note in r.Notes) Console.WriteLine("note: " + note);
    }

    private static float[] Logits(InferenceSession session, byte[] pixels, int count)
    {
        var scaled = new float[count * Pixels];
        FashionMnistSplit.Scale(pixels.AsSpan(0, count * Pixels), scaled);
        return OnnxBatches.Run(session, scaled, count, 100, OnnxExporter.LogitsName);
    }

    /// <summary>Every logit score, and the graph's score when the model has that output (under <paramref name="graphKind"/>, what
    /// its metadata names it).</summary>
    private static Dictionary<InDistributionScoreKind, double[]> AllScores(InferenceSession session, byte[] pixels, int count,
        float[] logits, InDistributionScoreKind graphKind)
    {
        var scores = Enum.GetValues<InDistributionScoreKind>().Where(InDistributionScore.FromLogits)
            .ToDictionary(k => k, k => InDistributionScore.Of(k, logits, Classes));
        if (session.OutputMetadata.ContainsKey(OnnxExporter.InDistributionScoreName))
        {
            var scaled = new float[count * Pixels];
            FashionMnistSplit.Scale(pixels.AsSpan(0, count * Pixels), scaled);
            scores[graphKind] =
                [.. OnnxBatches.Run(session, scaled, count, 100, OnnxExporter.InDistributionScoreName).Select(v => (double)v)];
        }
        return scores;
    }

    /// <summary>The verdict's score (as <see cref="FashionClassifier.Predict(GrayImage)"/> decides): the model's score, or −∞ for an
    /// image without a garment's foreground, in its source or after preprocessing.</summary>
    private static double[] Gated(double[] scores, Family images) =>
        [.. Enumerable.Range(0, scores.Length).Select(i => images.SourceHasForeground[i]
            && Foreground.HasGarmentForeground(images.Pixels.AsSpan(i * Pixels, Pixels)) ? scores[i] : double.NegativeInfinity)];

    /// <summary>P(in-distribution score &gt; out-of-distribution score), ties counting one half (Mann–Whitney).</summary>
    public static double Auroc(double[] inDistribution, double[] outOfDistribution)
    {
        double[] sorted = [.. inDistribution.Order()];
        double sum = 0;
        foreach (double s in outOfDistribution)
        {
            int below = LowerBound(sorted, s), notAbove = UpperBound(sorted, s);
            sum += sorted.Length - notAbove + 0.5 * (notAbove - below);
        }
        return sum / ((double)sorted.Length * outOfDistribution.Length);
    }

    private static int LowerBound(double[] a, double v)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi) { int m = (lo + hi) / 2; if (a[m] < v) lo = m + 1; else hi = m; }
        return lo;
    }

    private static int UpperBound(double[] a, double v)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi) { int m = (lo + hi) / 2; if (a[m] <= v) lo = m + 1; else hi = m; }
        return lo;
    }

    /// <summary>
    /// For each image: the drop in the predicted class's probability when its 20 % most salient pixels are set to 0,
    /// against 20 % chosen at random (seeded); the share of images where the salient drop is larger, and Explain's median time.
    /// </summary>
    private static (double Holds, int Count, double Milliseconds) Deletion(FashionClassifier classifier, InferenceSession session,
        FashionMnistSplit test, int count)
    {
        int removed = Pixels / 5;
        var random = new Random(20);
        var batch = new byte[count * 3 * Pixels];
        var predicted = new int[count];
        var times = new double[count];
        for (int i = 0; i < count; i++)
        {
            byte[] image = test.Image(i).ToArray();
            var clock = Stopwatch.StartNew();
            Explanation e = classifier.ExplainPixels(image);
            times[i] = clock.Elapsed.TotalMilliseconds;
            predicted[i] = e.Prediction.LabelIndex;
            int[] salient = [.. Enumerable.Range(0, Pixels).OrderByDescending(p => e.Heat[p]).Take(removed)];
            int[] randomPixels = [.. Enumerable.Range(0, Pixels).OrderBy(_ => random.Next()).Take(removed)];
            image.CopyTo(batch, (3 * i) * Pixels);
            image.CopyTo(batch, (3 * i + 1) * Pixels);
            image.CopyTo(batch, (3 * i + 2) * Pixels);
            foreach (int p in salient) batch[(3 * i + 1) * Pixels + p] = 0;
            foreach (int p in randomPixels) batch[(3 * i + 2) * Pixels + p] = 0;
        }
        var scaled = new float[batch.Length];
        FashionMnistSplit.Scale(batch, scaled);
        float[] probabilities = OnnxBatches.Run(session, scaled, 3 * count, 100, OnnxExporter.ProbabilitiesName);
        int holds = 0;
        for (int i = 0; i < count; i++)
        {
            int k = predicted[i];
            float original = probabilities[3 * i * Classes + k];
            float salientDrop = original - probabilities[(3 * i + 1) * Classes + k],
                randomDrop = original - probabilities[(3 * i + 2) * Classes + k];
            if (salientDrop > randomDrop) holds++;
        }
        Array.Sort(times);
        return (count == 0 ? 0 : holds / (double)count, count, count == 0 ? 0 : times[count / 2]);
    }
}
