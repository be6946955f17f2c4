using System.CommandLine;
using MlNetFashion.Pipeline.Cli;

namespace MlNetFashion.Scoring.Commands;

/// <summary>The scoring app's verbs: predict (images or an IDX file), serve (HTTP), bench and export-samples. Each verb is one file.</summary>
public static class ScoringCommandLine
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("MlNetFashion scoring: classify garment images with a trained model.")
        {
            PredictCommand.Create(), ServeCommand.Create(), BenchCommand.Create(), ExportSamplesCommand.Create(),
        };
        ParseResult parse = root.Parse(args);
        // No verb at all: System.CommandLine's overview help is what the user wants to see.
        if (parse.Errors.Count > 0 && args.Length > 0)
        {
            // A mistyped verb: System.CommandLine's first error would be "Required command was not provided".
            if (parse.CommandResult.Command == root)
                return ErrorReporting.UnknownCommand(parse.UnmatchedTokens.FirstOrDefault() ?? args[0], null, root.Subcommands.Select(c => c.Name));
            return ErrorReporting.ParseError(parse.Errors[0].Message, parse.CommandResult.Command.Name);
        }
        return ErrorReporting.Invoke(() => parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
    }
}
