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
        var net = new NetOptions();
        var command = new Command("summary", "Print a model's layers, output shapes and parameter counts (Keras-style).")
        {
            net.Preset, net.ModelSpec,
        };
        command.SetAction(parse =>
        {
            var (preset, specPath) = net.Read(parse);
            var (name, model, _) = FashionMnistNet.Create(preset, specPath);
            model.Build(1, new EngineRandom(0));
            FashionMnistNet.CheckOutput(model, name, specPath);
            Console.Write(model.Summary());
            return 0;
        });
        return command;
    }
}
