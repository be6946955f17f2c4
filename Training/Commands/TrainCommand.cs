using System.CommandLine;

namespace MlNetFashion.Training.Commands;

/// <summary>train: IDX files → trained, evaluated, exported model in --out.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder with the four Fashion-MNIST files (.gz or raw)." };
        var command = new Command("train", "Train a CNN on Fashion-MNIST and write model.zip, model.onnx, metrics.json, history.csv, report.html.");
        command.Options.Add(dataDir);
        command.SetAction(parse =>
        {
            Console.WriteLine("train: not implemented yet");
            return 0;
        });
        return command;
    }
}
