using MlNetFashion.Engine.Onnx;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Scoring.Imaging;

namespace MlNetFashion.Scoring.Classification;

public sealed partial class FashionClassifier
{
    /// <summary>Occlusion patch side and stride: 13 × 13 = 169 patches of 4×4 pixels, each pixel under up to 4 of them.</summary>
    public const int OcclusionPatch = 4, OcclusionStride = 2;

    /// <summary>Explains the prediction for an image file (see <see cref="ExplainPixels"/>).</summary>
    public Explanation Explain(string imagePath)
    {
        ArgumentNullException.ThrowIfNull(imagePath);
        return File.Exists(imagePath)
            ? Explain(File.ReadAllBytes(imagePath), Path.GetFileName(imagePath))
            : throw new FileNotFoundException($"{imagePath}: image file not found", imagePath);
    }

    /// <summary>Explains the prediction for an encoded image (PNG, JPEG, …).</summary>
    public Explanation Explain(byte[] encodedImage, string name = "image")
    {
        ArgumentNullException.ThrowIfNull(encodedImage);
        return Explain(ImagePreprocessor.Preprocess(encodedImage, name));
    }

    /// <summary>Explains the prediction for an image <see cref="ImagePreprocessor"/> made (see <see cref="Predict(GrayImage)"/>).</summary>
    public Explanation Explain(GrayImage preprocessed)
    {
        ArgumentNullException.ThrowIfNull(preprocessed);
        Explanation e = ExplainPixels(preprocessed.Pixels);
        return preprocessed.SourceHasForeground ? e : e with { Prediction = e.Prediction with { IsKnownClass = false } };
    }

    /// <summary>
    /// The prediction for 784 pixels and its occlusion heat map: the image and its 169 copies with one 4×4 patch set to
    /// the background (0) are scored in one ONNX Runtime run; heat[p] = mean over the patches covering p of
    /// (P(class | image) − P(class | image with the patch blanked)), class being the predicted one.
    /// </summary>
    public Explanation ExplainPixels(ReadOnlySpan<byte> pixels)
    {
        Prediction prediction = PredictPixels(pixels);
        const int size = Explanation.Size, image = size * size;
        int classes = Classes.Count;
        int perSide = (size - OcclusionPatch) / OcclusionStride + 1, patches = perSide * perSide;
        var batch = new float[(patches + 1) * image];
        FashionMnistSplit.Scale(pixels, batch.AsSpan(0, image));
        for (int p = 0; p < patches; p++)
        {
            Span<float> copy = batch.AsSpan((p + 1) * image, image);
            batch.AsSpan(0, image).CopyTo(copy);
            int top = p / perSide * OcclusionStride, left = p % perSide * OcclusionStride;
            for (int y = top; y < top + OcclusionPatch; y++) copy.Slice(y * size + left, OcclusionPatch).Clear();
        }
        float[] probabilities = _session.Value.Run(batch, patches + 1, OnnxExporter.ProbabilitiesName);
        int k = prediction.LabelIndex;
        float baseline = probabilities[k];
        var heat = new float[image];
        var covered = new int[image];
        for (int p = 0; p < patches; p++)
        {
            float drop = baseline - probabilities[(p + 1) * classes + k];
            int top = p / perSide * OcclusionStride, left = p % perSide * OcclusionStride;
            for (int y = top; y < top + OcclusionPatch; y++)
                for (int x = left; x < left + OcclusionPatch; x++)
                {
                    heat[y * size + x] += drop;
                    covered[y * size + x]++;
                }
        }
        for (int i = 0; i < image; i++) heat[i] = covered[i] == 0 ? 0 : heat[i] / covered[i];
        return new Explanation(prediction, heat, pixels.ToArray());
    }
}
