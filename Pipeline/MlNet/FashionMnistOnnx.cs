using System.Globalization;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Pipeline.Runs;

namespace MlNetFashion.Pipeline;

/// <summary>
/// What an exported model says about its data: the engine's exporter knows shapes, not data sets, so the pipeline
/// passes the image format and description in, Fashion-MNIST's or those of a model of the user's own classes. Every
/// export of a trained model starts from one of these.
/// </summary>
public static class FashionMnistOnnx
{
    public static OnnxExportOptions ExportOptions { get; } = new()
    {
        Description = "Fashion-MNIST classifier. Input: pixels / 255 as float [N,1,28,28]. "
            + "Outputs: logits and softmax probabilities [N,10].",
        Preprocessing = "grayscale 28x28, light garment on black; input = pixels / 255",
    };

    /// <summary>
    /// The options for a model of <paramref name="classNames"/>: Fashion-MNIST's when they are its ten names in any order
    /// (scoring then maps them onto Fashion-MNIST's order), otherwise those of a model of the user's own classes.
    /// </summary>
    public static OnnxExportOptions For(IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        bool fashionMnist = classNames.Count == FashionMnistClasses.Count
            && classNames.Order(StringComparer.Ordinal).SequenceEqual(FashionMnistClasses.Names.Order(StringComparer.Ordinal));
        return fashionMnist ? ExportOptions : OwnClassesExportOptions(classNames.Count);
    }

    /// <summary>
    /// A model of <paramref name="classCount"/> classes of the user's own (train --images): the description gives that
    /// count and where the names come from (the training folder's subfolders, in "class_names"), the preprocessing the
    /// preparation scoring gives every image, and the metadata marks the classes as the user's own
    /// (<see cref="ModelFile.OwnClassesKey"/>).
    /// </summary>
    public static OnnxExportOptions OwnClassesExportOptions(int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        string count = classCount.ToString(CultureInfo.InvariantCulture);
        return new()
        {
            Description = $"Classifier of {count} classes of the user's own, named after the training folder's subfolders "
                + "(class_names metadata). Input: pixels / 255 as float [N,1,28,28]. "
                + $"Outputs: logits and softmax probabilities [N,{count}].",
            Preprocessing = "grayscale 28x28 as scoring prepares any image (trimmed to the object, longer side fitted, centred, "
                + "light object on black); input = pixels / 255",
            Metadata = new Dictionary<string, string> { [ModelFile.OwnClassesKey] = "true" },
        };
    }
}
