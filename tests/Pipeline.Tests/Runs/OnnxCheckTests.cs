using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Runs;

namespace MlNetFashion.Pipeline.Tests.Runs;

public class OnnxCheckTests
{
    private static Sequential Model()
    {
        var model = Presets.Get("seed004").CreateModel();
        model.Build(16, new EngineRandom(3));
        return model;
    }

    /// <summary>250 images: not a multiple of the check's ONNX Runtime batch, so the last partial batch counts too.</summary>
    private static FashionMnistSplit Images()
    {
        var random = new Random(7);
        var pixels = new byte[250 * FashionMnistSplit.ImageSize];
        random.NextBytes(pixels);
        return new FashionMnistSplit(pixels, [.. Enumerable.Range(0, 250).Select(i => (byte)(i % 10))]);
    }

    [Fact]
    public void MaxAbsDifference_OfTheModelsOwnExport_IsRoundingSmall()
    {
        Sequential model = Model();
        Assert.True(OnnxCheck.MaxAbsDifference(model, OnnxExporter.Export(model), Images(), 250) < 1e-5);
    }

    [Fact]
    public void MaxAbsDifference_ComparesTheLastPartialBatch()
    {
        // Images 0–199 are blank: a first-layer kernel weight cannot change their outputs (the convolution of zeros is
        // zero), so after changing one, only images 200–249 — the last, partial ONNX Runtime batch — differ.
        Sequential model = Model();
        byte[] onnx = OnnxExporter.Export(model);
        FashionMnistSplit images = Images();
        Array.Clear(images.Pixels, 0, 200 * FashionMnistSplit.ImageSize);
        model.Parameters[0].Value.Span[0] += 0.5f;
        double difference = OnnxCheck.MaxAbsDifference(model, onnx, images, 250);
        Assert.True(difference > 1e-3, $"expected the changed weight to show in images 200–249, found {difference:G3}");
        Assert.True(OnnxCheck.MaxAbsDifference(model, onnx, images, 200) < 1e-5);
    }
}
