using System.CommandLine;
using MlNetFashion.CommandLine;

namespace MlNetFashion.Scoring.Commands;

/// <summary>
/// The scoring app's verbs: predict (images or an IDX file), prepare (images as the model sees them), serve (HTTP), bench
/// and export-samples. Each verb is one
/// file; <see cref="CommandLineRunner"/> dispatches them and turns errors the user can fix into one line.
/// </summary>
public static class ScoringCommandLine
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("MlNetFashion scoring: classify garment images with a trained model.")
        {
            PredictCommand.Create(), PrepareCommand.Create(), ServeCommand.Create(), BenchCommand.Create(), ExportSamplesCommand.Create(),
        };
        return CommandLineRunner.Run(root, args);
    }
}
