using System.CommandLine;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Pipeline.Trainer;

namespace MlNetFashion.Training.Commands;

/// <summary>summary --preset NAME | --model-spec FILE: the Keras-style table of a model train would accept.</summary>
public static class SummaryCommand
{
    public static Command Create()
    {
        var preset = CommonOptions.Preset();
        var spec = CommonOptions.ModelSpec();
        var command = new Command("summary", "Print a model's layers, output shapes and parameter counts (Keras-style).") { preset, spec };
        command.SetAction(parse =>
        {
            string? specPath = parse.GetValue(spec);
            var (name, model, _) = FashionMnistNet.Create(CommonOptions.PresetOf(parse, preset), specPath);
            model.Build(1, new EngineRandom(0));
            FashionMnistNet.CheckOutput(model, name, specPath);
            Console.Write(model.Summary());
            return 0;
        });
        return command;
    }
}
