using MlNetFashion.Engine.Onnx;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Classification;

public sealed partial class FashionClassifier
{
    /// <summary>
    /// Occlusion masks per explanation, and the share of pixels each sets to the background: every pixel is blanked by
    /// about 32 × 0.25 = 8 masks and kept by the other 24.
    /// </summary>
    public const int OcclusionMasks = 32;

    /// <inheritdoc cref="OcclusionMasks"/>
    public const double OcclusionBlankFraction = 0.25;

    /// <summary>
    /// The pixels each mask blanks: drawn once with a fixed seed, so an image's explanation is the same on every call
    /// and every machine. [mask][pixel index].
    /// </summary>
    internal static readonly int[][] OcclusionMaskPixels = DrawMasks(seed: 7);

    /// <summary>Explains the prediction for an image file (see <see cref="ExplainPixels"/>).</summary>
    public Explanation Explain(string imagePath) => Explain(Preprocess(imagePath));

    /// <summary>Explains the prediction for an encoded image (PNG, JPEG, …).</summary>
    public Explanation Explain(byte[] encodedImage, string name = "image") => Explain(Preprocess(encodedImage, name));

    /// <summary>Explains the prediction for an image <see cref="ImagePreprocessor"/> made (see <see cref="Predict(GrayImage)"/>).</summary>
    public Explanation Explain(GrayImage preprocessed)
    {
        ArgumentNullException.ThrowIfNull(preprocessed);
        Explanation e = ExplainPixels(preprocessed.Pixels);
        return e with { Prediction = OfSource(e.Prediction, preprocessed) };
    }

    /// <summary>
    /// The prediction for 784 pixels and its occlusion heat map (RISE: randomized input sampling, with pixel-sized cells):
    /// the image and its <see cref="OcclusionMasks"/> copies, each with a fixed random quarter of its pixels set to the
    /// background (0), are scored in one ONNX Runtime run. With drop_m = ln P(class | image) − ln P(class | copy m),
    /// class being the predicted one: heat[p] = mean of drop_m over the masks blanking p − mean of drop_m over the masks
    /// keeping p; 0 for a background pixel (blanking it changes nothing). Scattered pixels, like the deletions a heat map
    /// is judged by, rather than square patches, and log-probabilities, which still tell masks apart when P is near 1:
    /// benchmarks/experiments/explain-occlusion.md compares the choices.
    /// </summary>
    public Explanation ExplainPixels(ReadOnlySpan<byte> pixels)
    {
        Prediction prediction = PredictPixels(pixels);
        const int image = Explanation.Size * Explanation.Size;
        int masks = OcclusionMaskPixels.Length;
        var batch = new float[(masks + 1) * image];
        FashionMnistSplit.Scale(pixels, batch.AsSpan(0, image));
        for (int m = 0; m < masks; m++)
        {
            Span<float> copy = batch.AsSpan((m + 1) * image, image);
            batch.AsSpan(0, image).CopyTo(copy);
            foreach (int p in OcclusionMaskPixels[m]) copy[p] = 0;
        }
        float[] probabilities = _session.Value.Run(batch, masks + 1, OnnxExporter.ProbabilitiesName);
        int classes = Classes.Count, k = prediction.LabelIndex;
        var blankedSum = new float[image];
        var blankedCount = new int[image];
        float totalDrop = 0;
        for (int m = 0; m < masks; m++)
        {
            float drop = LogProbability(probabilities[k]) - LogProbability(probabilities[(m + 1) * classes + k]);
            totalDrop += drop;
            foreach (int p in OcclusionMaskPixels[m])
            {
                blankedSum[p] += drop;
                blankedCount[p]++;
            }
        }
        var heat = new float[image];
        for (int p = 0; p < image; p++)
        {
            int blanked = blankedCount[p], kept = masks - blanked;
            if (pixels[p] == 0 || blanked == 0 || kept == 0) continue;
            heat[p] = blankedSum[p] / blanked - (totalDrop - blankedSum[p]) / kept;
        }
        return new Explanation(prediction, heat, pixels.ToArray());
    }

    /// <summary>ln p, with p at least 1e-30 so a class the copy rules out gives a finite drop.</summary>
    private static float LogProbability(float p) => MathF.Log(Math.Max(p, 1e-30f));

    private static int[][] DrawMasks(int seed)
    {
        const int image = Explanation.Size * Explanation.Size;
        var random = new Random(seed);
        var masks = new int[OcclusionMasks][];
        for (int m = 0; m < masks.Length; m++)
            masks[m] = [.. Enumerable.Range(0, image).Where(_ => random.NextDouble() < OcclusionBlankFraction)];
        return masks;
    }
}
