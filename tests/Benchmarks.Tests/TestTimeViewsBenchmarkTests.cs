using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Benchmarks.Tests;

public sealed class TestTimeViewsBenchmarkTests() : TempFolderTests("views-bench-")
{
    [Fact]
    public void Views_ModelThatAlreadyAveragesViews_RefusedBeforeAnyTable()
    {
        // A model.onnx that already averages views (as the best preset's does): scoring views of views would be meaningless.
        Sequential model = Presets.Get("seed004").CreateModel();
        model.Build(2, new EngineRandom(1));
        string path = Path.Combine(Folder, "model.onnx");
        File.WriteAllBytes(path,
            OnnxExporter.Export(model, new OnnxExportOptions { TestTimeViews = TestTimeViews.For(new AugmentationOptions(1, true)) }));

        Assert.StartsWith($"error: {path}: this model already averages test-time views; give its model-single-view.onnx",
            Cli.RunRefused("views", path));
    }
}
