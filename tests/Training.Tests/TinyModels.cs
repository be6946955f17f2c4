using MlNetFashion.Engine.Layers.Core;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Training.Tests;

/// <summary>Untrained one-layer models, exported — enough to exercise model-file checks.</summary>
internal static class TinyModels
{
    public static byte[] Onnx(Shape? input = null)
    {
        var model = new Sequential(input ?? Presets.Input).Add(new Flatten()).Add(new Dense(10));
        model.Build(1, new EngineRandom(1));
        return OnnxExporter.Export(model);
    }
}
