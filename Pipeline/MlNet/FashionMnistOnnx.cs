using MlNetFashion.Engine.Onnx;

namespace MlNetFashion.Pipeline;

/// <summary>
/// What an exported model says about its data: the engine's exporter knows shapes, not data sets, so the pipeline
/// passes Fashion-MNIST's image format and description in. Every export of a trained model starts from these.
/// </summary>
public static class FashionMnistOnnx
{
    public static OnnxExportOptions ExportOptions { get; } = new()
    {
        Description = "Fashion-MNIST classifier. Input: pixels / 255 as float [N,1,28,28]. "
            + "Outputs: logits and softmax probabilities [N,10].",
        Preprocessing = "grayscale 28x28, light garment on black; input = pixels / 255",
    };
}
