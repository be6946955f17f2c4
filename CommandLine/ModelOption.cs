using System.CommandLine;

namespace MlNetFashion.CommandLine;

/// <summary>--model FILE: the trained model a verb reads (predict, evaluate, the scoring app's bench).</summary>
public static class ModelOption
{
    /// <param name="description">The model files the verb takes, e.g. "model.onnx or model.zip".</param>
    public static Option<string> Required(string description) =>
        RefuseBlank(new Option<string>("--model") { Description = description, Required = true });

    /// <summary><see cref="BlankValue.Refuse"/> for a --model option.</summary>
    public static Option<T> RefuseBlank<T>(Option<T> option) where T : class? => BlankValue.Refuse(option, "a model file");
}
