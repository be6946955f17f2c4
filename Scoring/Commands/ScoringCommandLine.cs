using System.CommandLine;
using MlNetFashion.Pipeline.Cli;

namespace MlNetFashion.Scoring.Commands;

/// <summary>The scoring app's verbs: predict (images or an IDX file) and serve (HTTP). Each verb is one file.</summary>
public static class ScoringCommandLine
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("MlNetFashion scoring: classify garment images with a trained model.")
        {
            PredictCommand.Create(), ServeCommand.Create(), BenchCommand.Create(), ExportSamplesCommand.Create(),
        };
        return ErrorReporting.Invoke(() => root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
    }
}
