using Microsoft.ML;
using MlNetFashion.Engine.Checkpoints;
using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Pipeline.Data;
using MlNetFashion.Pipeline.Trainer;
using MlNetFashion.Pipeline.Transforms;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Pipeline.Tests.Trainer;

/// <summary>Fine-tuning: a trained run's weights as the start of another, with a new head and frozen convolutions.</summary>
public sealed class InitialWeightsTests() : TempFolderTests("init-from-")
{
    private static readonly string[] ThreeClasses = ["Stiefel", "Schuhe-ä", "靴"];

    /// <summary>A trained ten-class run's best.ckpt (seed004, one epoch on 300 images).</summary>
    private string Pretrained()
    {
        string checkpoints = Path.Combine(Folder, "pretrained", "checkpoints");
        var ml = new MLContext(seed: 1);
        var options = new FashionCnnTrainer.Options
        {
            Preset = PresetKind.TwoConv, Epoch = 1, BatchSize = 50, Seed = 3, ValidationSetFraction = 0, CheckpointDirectory = checkpoints,
        };
        ml.Transforms.ScalePixels().Append(ml.MulticlassClassification.Trainers.FashionCnn(options))
            .Fit(new FashionMnistDataView(RealData.Data.Train.Take(300)));
        return Path.Combine(checkpoints, CheckpointWriter.BestFile);
    }

    /// <summary>Other images relabelled into three classes: what a user's folder looks like to the trainer.</summary>
    private static IDataView ThreeClassData()
    {
        FashionMnistSplit images = RealData.Data.Test.Take(150);
        var split = new FashionMnistSplit(images.Pixels, [.. images.Labels.Select(l => (byte)(l % 3))]);
        return new FashionMnistDataView(split, classNames: ThreeClasses);
    }

    private static Sequential FineTune(string initFrom, int freezeEpochs, int epochs = 1)
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.MulticlassClassification.Trainers.FashionCnn(new FashionCnnTrainer.Options
        {
            Preset = PresetKind.TwoConv, Epoch = epochs, BatchSize = 30, Seed = 5, ValidationSetFraction = 0, InitFrom = initFrom,
            FreezeEpochs = freezeEpochs,
        });
        return ml.Transforms.ScalePixels().Append(trainer).Fit(ThreeClassData()).LastTransformer.Model.Model;
    }

    /// <summary>The values of the layers before the first Dense, and the checkpoint's tensors in the same places.</summary>
    private static (float[][] Model, float[][] Saved) Convolutions(Sequential model, string checkpoint)
    {
        float[][] values =
            [.. model.Layers.TakeWhile(l => l is not Dense).SelectMany(l => l.Parameters).Select(p => p.Value.Span.ToArray())];
        IReadOnlyList<float[]> saved = CheckpointFile.Read(checkpoint).Weights;
        return (values, [.. saved.Take(values.Length)]);
    }

    [Fact]
    public void Fit_InitFromTenClassRunOnThreeClasses_ReplacesTheHeadAndLoadsTheRest()
    {
        string checkpoint = Pretrained();
        Sequential model = FineTune(checkpoint, freezeEpochs: 1);

        var head = Assert.IsType<Dense>(model.Layers[^1]);
        Assert.Equal(3, head.Units);
        Assert.Equal(3, model.OutputShape.Size);
        var (convolutions, saved) = Convolutions(model, checkpoint);
        Assert.NotEmpty(convolutions);
        Assert.Equal(saved, convolutions);
    }

    [Fact]
    public void Fit_FrozenForFewerEpochsThanTrained_ConvolutionsMoveAfterwards()
    {
        string checkpoint = Pretrained();
        var (afterFrozenOnly, saved) = Convolutions(FineTune(checkpoint, freezeEpochs: 1, epochs: 2), checkpoint);
        var (neverFrozen, _) = Convolutions(FineTune(checkpoint, freezeEpochs: 0), checkpoint);

        Assert.NotEqual(saved, afterFrozenOnly);   // the second epoch trained them
        Assert.NotEqual(saved, neverFrozen);
    }

    [Fact]
    public void Fit_InitFromAnotherNet_RefusedNamingTheCheckpoint()
    {
        string checkpoint = Pretrained();
        var ml = new MLContext(seed: 1);
        var trainer = ml.MulticlassClassification.Trainers.FashionCnn(new FashionCnnTrainer.Options
        {
            Preset = PresetKind.Fast, Epoch = 1, ValidationSetFraction = 0, InitFrom = checkpoint,
        });
        var ex = Assert.Throws<InvalidDataException>(() => ml.Transforms.ScalePixels().Append(trainer).Fit(ThreeClassData()));
        Assert.StartsWith("best.ckpt: --init-from: ", ex.Message);
    }

    /// <summary>A trained-looking net exported alone, with no run beside it: the weights can come only from the file.</summary>
    private string ExportedAlone(Sequential model, string file = "model.onnx")
    {
        model.Build(8, new EngineRandom(9));
        string folder = Directory.CreateDirectory(Path.Combine(Folder, "copied-elsewhere")).FullName;
        string path = Path.Combine(folder, file);
        File.WriteAllBytes(path, OnnxExporter.Export(model));
        return path;
    }

    private static float[][] Values(IEnumerable<Parameter> parameters) => [.. parameters.Select(p => p.Value.Span.ToArray())];

    [Fact]
    public void Fit_InitFromModelOnnxWithoutItsRun_LoadsTheFilesOwnWeights()
    {
        Sequential exported = Presets.TwoConv();
        string onnx = ExportedAlone(exported);
        Sequential model = FineTune(onnx, freezeEpochs: 1);

        var convolutions = exported.Layers.TakeWhile(l => l is not Dense).SelectMany(l => l.Parameters);
        var loaded = model.Layers.TakeWhile(l => l is not Dense).SelectMany(l => l.Parameters);
        Assert.NotEmpty(convolutions);
        Assert.Equal(Values(convolutions), Values(loaded));   // frozen for the one epoch: exactly as exported
        Assert.Equal(3, model.OutputShape.Size);
    }

    [Fact]
    public void Fit_InitFromThreeClassSpecOnFiveClasses_ReplacesItsHead()
    {
        string spec = Path.Combine(Folder, "three.json");
        File.WriteAllText(spec, """
            {"layers": [ {"type": "Conv2D", "filters": 4, "kernelSize": 3}, {"type": "ReLU"}, {"type": "MaxPool2D", "poolSize": 2},
              {"type": "Flatten"}, {"type": "Dense", "units": 3} ]}
            """);
        string onnx = ExportedAlone(ModelSpec.Load(spec).CreateModel(), "three-classes.onnx");
        FashionMnistSplit images = RealData.Data.Test.Take(100);
        var five = new FashionMnistDataView(new FashionMnistSplit(images.Pixels, [.. images.Labels.Select(l => (byte)(l % 5))]),
            classNames: ["a", "b", "c", "d", "e"]);
        var ml = new MLContext(seed: 1);
        var trainer = ml.MulticlassClassification.Trainers.FashionCnn(new FashionCnnTrainer.Options
        {
            ModelSpecPath = spec, Epoch = 1, BatchSize = 25, Seed = 5, ValidationSetFraction = 0, InitFrom = onnx, FreezeEpochs = 1,
        });

        var fitted = ml.Transforms.ScalePixels().Append(trainer).Fit(five);

        Assert.Equal(5, Assert.IsType<Dense>(fitted.LastTransformer.Model.Model.Layers[^1]).Units);
        Assert.Equal(5, ((Microsoft.ML.Data.VectorDataViewType)fitted.GetOutputSchema(five.Schema)["Score"].Type).Size);
    }

    [Fact]
    public void Check_ForeignOnnx_OneLineNamingIt()
    {
        string onnx = Path.Combine(Folder, "resnet.onnx");
        // A ModelProto with producer_name "pytorch" (field 2) and an empty graph (field 7).
        File.WriteAllBytes(onnx, [0x12, 7, .. "pytorch"u8, 0x3A, 0]);
        var ex = Assert.Throws<InvalidDataException>(() => InitialWeights.Check(onnx));
        Assert.Equal("resnet.onnx: --init-from: not a model MlNetFashion exported (producer \"pytorch\", no model_spec in its metadata)",
            ex.Message);
    }

    [Fact]
    public void Check_NotOnnx_OneLineNamingIt()
    {
        string onnx = Path.Combine(Folder, "model.onnx");
        File.WriteAllBytes(onnx, [1, 2, 3]);
        var ex = Assert.Throws<InvalidDataException>(() => InitialWeights.Check(onnx));
        Assert.StartsWith("model.onnx: --init-from: not an ONNX model (", ex.Message);
    }

    [Fact]
    public void Check_ModelZipWithoutItsRun_NamesWhereTheWeightsWereExpected()
    {
        string zip = Path.Combine(Folder, "model.zip");
        File.WriteAllBytes(zip, [1, 2, 3]);
        var ex = Assert.Throws<FileNotFoundException>(() => InitialWeights.Check(zip));
        Assert.Contains(Path.Combine(Folder, "checkpoints", "best.ckpt"), ex.Message);
    }
}
