using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Engine.Augmentation;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Engine.Tests.Harness;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Engine.Tests.Onnx;

/// <summary>benchmarks/onnx_without_views.py, which README offers users to cut the views out of an older model.onnx.</summary>
public class OnnxWithoutViewsScriptTests() : TempFolderTests("mlnetfashion-without-views-")
{
    [PythonOnnxFact]
    public void Script_DropsTheViewsMetadataAndTheAccuracyMeasuredWithThem()
    {
        Sequential model = Presets.Get("seed004").CreateModel();
        model.Build(2, new EngineRandom(1));
        TestTimeViews views = TestTimeViews.For(new AugmentationOptions(1, true))!;
        var export = new OnnxExportOptions
        {
            ClassNames = [.. Enumerable.Range(0, 10).Select(i => $"c{i}")], NetName = "seed004", TestAccuracy = 0.9, TestImages = 500,
            TestTimeViews = views,
        };
        string source = Path.Combine(Folder, "model.onnx"), cut = Path.Combine(Folder, "single.onnx");
        File.WriteAllBytes(source, OnnxExporter.Export(model, export));
        string script = Path.Combine(RepositoryFolder.Find("benchmarks"), "onnx_without_views.py");
        (int exit, string output) = Python.Run(script, source, cut);
        Assert.True(exit == 0, output);

        using var session = new InferenceSession(cut);
        Dictionary<string, string> metadata = session.ModelMetadata.CustomMetadataMap;
        // The copy scores the image alone: "averaged over 10 views" and the views' accuracy would describe another model.
        Assert.False(metadata.ContainsKey("test_time_augmentation"),
            "test_time_augmentation kept: " + metadata.GetValueOrDefault("test_time_augmentation"));
        Assert.False(metadata.ContainsKey("test_accuracy"),
            "test_accuracy of the views kept: " + metadata.GetValueOrDefault("test_accuracy"));
        Assert.False(metadata.ContainsKey("test_images"));
        Assert.StartsWith("[\"c0\",", metadata[OnnxExporter.ClassNamesKey]);
        Assert.Equal("seed004", metadata["preset"]);
    }

    [PythonOnnxFact]
    public void Script_ModelWithoutViews_OneErrorLineNoTraceback()
    {
        // The default preset's model has no views: the script must say so in one line, not fail inside.
        Sequential model = Presets.Get("seed004").CreateModel();
        model.Build(2, new EngineRandom(1));
        string source = Path.Combine(Folder, "model.onnx"), cut = Path.Combine(Folder, "single.onnx");
        File.WriteAllBytes(source, OnnxExporter.Export(model));
        string script = Path.Combine(RepositoryFolder.Find("benchmarks"), "onnx_without_views.py");

        (int exit, string output) = Python.Run(script, source, cut);

        Assert.Equal(1, exit);
        Assert.Equal($"error: {source}: no test-time views in this model (it already scores the image alone)", output.Trim());
        Assert.False(File.Exists(cut));
    }
}
