using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Runs;

namespace MlNetFashion.Benchmarks;

/// <summary>
/// `views MODEL.onnx …`: the official test accuracy of exported models (whose graphs hold no views) scored on the
/// image alone, with its mirror image (2 views), with its one-pixel shifts (5) and with both (10, what
/// <see cref="TestTimeViews"/> gives a recipe with crops and mirror images) — averaging the logits, as the export does.
/// The evidence behind the best preset's test-time augmentation (README, "Test-time augmentation").
/// </summary>
public static class TestTimeViewsBenchmark
{
    public static void Run(string[] models)
    {
        // Checked before the data loads and anything prints: a model whose graph already averages views would fill
        // the "image" column with its ten-view accuracy (and the others with views of views), under the wrong names.
        foreach (string path in models) MustHaveNoViews(path);
        FashionMnistSplit test = FashionMnist.Load().Test;
        float[] pixels = test.ScaledPixels();
        IReadOnlyList<TestTimeView> views = TestTimeViews.For(new AugmentationOptions(CropPadding: 1, HorizontalFlip: true))!.Views;
        int[] image = [Index(views, new(false, 0, 0))], mirror = [.. image, Index(views, new(true, 0, 0))];
        int[] shifts = [.. Enumerable.Range(0, views.Count).Where(i => !views[i].Flip)], all = [.. Enumerable.Range(0, views.Count)];
        Console.WriteLine("model | image | + mirror (2) | + shifts (5) | both (10)");
        foreach (string path in models)
        {
            float[][] logits = [.. views.Select(v => Logits(path, View(pixels, test.Count, v), test.Count))];
            Console.WriteLine($"{path} | {Accuracy(logits, image, test):P2} | {Accuracy(logits, mirror, test):P2} | " +
                $"{Accuracy(logits, shifts, test):P2} | {Accuracy(logits, all, test):P2}");
        }
    }

    public static void MustHaveNoViews(string path)
    {
        ModelFile.MustExist(path);
        ModelFile.ReadOnnx(path);
        using var session = new InferenceSession(path);
        if (session.ModelMetadata.CustomMetadataMap.ContainsKey(OnnxExporter.TestTimeViewsKey))
            throw new InvalidDataException($"{path}: this model already averages test-time views; give its model-single-view.onnx, or " +
                "cut them out with /usr/bin/python3 benchmarks/onnx_without_views.py");
    }

    private static int Index(IReadOnlyList<TestTimeView> views, TestTimeView view) => views.ToList().IndexOf(view);

    private static float[] View(float[] pixels, int count, TestTimeView view)
    {
        var rendered = new float[pixels.Length];
        TestTimeViews.Render(view, pixels, count, Presets.Input, rendered);
        return rendered;
    }

    private static float[] Logits(string model, float[] images, int count)
    {
        using var session = new InferenceSession(model);
        return OnnxBatches.Run(session, images, count, batch: 500, OnnxExporter.LogitsName);
    }

    private static double Accuracy(float[][] logits, int[] views, FashionMnistSplit test)
    {
        int right = 0;
        for (int i = 0; i < test.Count; i++)
        {
            int best = 0;
            double bestSum = double.NegativeInfinity;
            for (int k = 0; k < 10; k++)
            {
                double sum = views.Sum(v => (double)logits[v][i * 10 + k]);
                if (sum > bestSum) (best, bestSum) = (k, sum);
            }
            if (best == test.Labels[i]) right++;
        }
        return right / (double)test.Count;
    }
}
