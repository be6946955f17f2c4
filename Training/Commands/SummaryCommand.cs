using System.CommandLine;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;

namespace MlNetFashion.Training.Commands;

/// <summary>summary --preset NAME | --model-spec FILE: the Keras-style table of a model.</summary>
public static class SummaryCommand
{
    public static Command Create()
    {
        var preset = CommonOptions.Preset();
        var spec = CommonOptions.ModelSpec();
        var command = new Command("summary", "Print a model's layers, output shapes and parameter counts (Keras-style).") { preset, spec };
        command.SetAction(parse =>
        {
            Sequential model = ModelSource.Create(parse.GetValue(preset), parse.GetValue(spec)).Model;
            model.Build(1, new EngineRandom(0));
            Console.Write(model.Summary());
            return 0;
        });
        return command;
    }
}
