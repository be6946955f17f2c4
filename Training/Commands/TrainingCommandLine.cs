using System.CommandLine;
using MlNetFashion.CommandLine;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Training.Commands;

/// <summary>
/// The verbs of the training app. Each verb lives in its own file and only parses options and calls the library;
/// <see cref="CommandLineRunner"/> dispatches them and turns errors the user can fix into one line.
/// </summary>
public static class TrainingCommandLine
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("MlNetFashion training: train, evaluate and benchmark Fashion-MNIST CNNs.");
        foreach (Command command in Commands()) root.Subcommands.Add(command);
        // The engine's advice for a diverged training, in the command line's words.
        return CommandLineRunner.Run(root, args, ex => ex is TrainingDivergedException ? "--lr" : null);
    }

    private static IEnumerable<Command> Commands()
    {
        yield return TrainCommand.Create();
        yield return SummaryCommand.Create();
        yield return BenchCommand.Create();
        yield return EvaluateCommand.Create();
        yield return CvCommand.Create();
        yield return DataFetchCommand.Create();
    }
}
