using System.CommandLine;

namespace MlNetFashion.CommandLine;

/// <summary>--model FILE: the trained model a verb reads (predict, evaluate, the scoring app's bench).</summary>
public static class ModelOption
{
    /// <param name="description">The model files the verb takes, e.g. "model.onnx or model.zip".</param>
    public static Option<string> Required(string description) => new("--model") { Description = description, Required = true };
}
