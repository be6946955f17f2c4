using Microsoft.ML.OnnxRuntime;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Pipeline.Runs;

namespace MlNetFashion.Pipeline.Tests;

public class FashionMnistOnnxTests
{
    [Fact]
    public void ExportOptions_FashionMnistModel_DescribesTheTenGarmentClasses()
    {
        using var session = new InferenceSession(Export(10, FashionMnistOnnx.ExportOptions));

        Assert.Equal("Fashion-MNIST classifier. Input: pixels / 255 as float [N,1,28,28]. "
            + "Outputs: logits and softmax probabilities [N,10].", session.ModelMetadata.Description);
        Assert.Equal("grayscale 28x28, light garment on black; input = pixels / 255",
            session.ModelMetadata.CustomMetadataMap["preprocessing"]);
        Assert.False(ModelFile.HasOwnClasses(session.ModelMetadata));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    public void OwnClassesExportOptions_OwnClassesModel_StatesItsClassCountAndWhereTheNamesComeFrom(int classes)
    {
        string[] names = [.. Enumerable.Range(0, classes).Select(k => $"class {k}")];

        OnnxExportOptions options = FashionMnistOnnx.OwnClassesExportOptions(classes) with { ClassNames = names };

        using var session = new InferenceSession(Export(classes, options));

        string description = session.ModelMetadata.Description;
        Assert.StartsWith($"Classifier of {classes} classes of the user's own, named after the training folder's subfolders "
            + "(class_names metadata). ", description);
        Assert.EndsWith($"Outputs: logits and softmax probabilities [N,{classes}].", description);
        Assert.DoesNotContain("Fashion-MNIST", description);
        Assert.DoesNotContain("garment", session.ModelMetadata.CustomMetadataMap["preprocessing"]);
        Assert.EndsWith("; input = pixels / 255", session.ModelMetadata.CustomMetadataMap["preprocessing"]);
        Assert.True(ModelFile.HasOwnClasses(session.ModelMetadata));
    }

    [Fact]
    public void For_FashionMnistNamesInAnotherOrder_FashionMnistOptions()
    {
        string[] names = [.. FashionMnistClasses.Names.Reverse()];

        Assert.Same(FashionMnistOnnx.ExportOptions, FashionMnistOnnx.For(names));
    }

    [Theory]
    [InlineData("cat,dog")]
    [InlineData("T-shirt/top,Trouser,Pullover")]
    public void For_OtherNames_OwnClassesOptions(string commaSeparated)
    {
        string[] names = commaSeparated.Split(',');

        OnnxExportOptions options = FashionMnistOnnx.For(names);

        Assert.Equal(FashionMnistOnnx.OwnClassesExportOptions(names.Length).Description, options.Description);
        Assert.Equal("true", options.Metadata[ModelFile.OwnClassesKey]);
    }

    [Fact]
    public void OwnClassesExportOptions_OneClass_Refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FashionMnistOnnx.OwnClassesExportOptions(1));
    }

    /// <summary>A 28×28 → <paramref name="classes"/> linear model, exported with <paramref name="options"/>.</summary>
    private static byte[] Export(int classes, OnnxExportOptions options)
    {
        Sequential model = new ModelBuilder(new Shape(1, 28, 28)).Flatten().Dense(classes).Build();
        model.Build(1, new EngineRandom(1));
        return OnnxExporter.Export(model, options);
    }
}
