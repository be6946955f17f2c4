using System.CommandLine;

namespace MlNetFashion.CommandLine;

/// <summary>--model FILE: the trained model a verb reads (predict, evaluate, the scoring app's bench).</summary>
public static class ModelOption
{
    /// <param name="description">The model files the verb takes, e.g. "model.onnx or model.zip".</param>
    public static Option<string> Required(string description) =>
        RefuseBlank(new Option<string>("--model") { Description = description, Required = true });

    /// <summary>
    /// --model "" (an unset variable in a script: --model "$MODEL") is refused naming the option; it reached the model
    /// reader, which said ": model file not found".
    /// </summary>
    public static Option<T> RefuseBlank<T>(Option<T> option) where T : class?
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() is string path && string.IsNullOrWhiteSpace(path))
                result.AddError($"{option.Name}: expected a model file, received '{path}'");
        });
        return option;
    }
}
