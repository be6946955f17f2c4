using System.CommandLine;
using System.CommandLine.Parsing;
using MlNetFashion.Pipeline.Cli;

namespace MlNetFashion.Training.Commands;

/// <summary>
/// The verbs of the training app. Each verb lives in its own file and only parses options and calls the library.
/// Errors the user can fix (bad data, bad options) become one line on stderr, exit code 1, no stack trace
/// (<see cref="ErrorReporting"/>).
/// </summary>
public static class CommandLine
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("MlNetFashion training: train, evaluate and benchmark Fashion-MNIST CNNs.");
        foreach (Command command in Commands()) root.Subcommands.Add(command);
        // System.CommandLine's own handler would print a stack trace: errors go through ErrorReporting instead.
        ParseResult parse = root.Parse(args);
        // No verb at all: System.CommandLine's overview help is what the user wants to see.
        if (parse.Errors.Count > 0 && args.Length > 0)
        {
            Command at = parse.CommandResult.Command;
            string? path = CommandPath(parse.CommandResult);
            return at.Subcommands.Count > 0
                ? ErrorReporting.UnknownCommand(parse.UnmatchedTokens.FirstOrDefault(), path, at.Subcommands.Select(c => c.Name))
                : ErrorReporting.ParseError(parse.Errors[0].Message, path ?? at.Name);
        }
        return ErrorReporting.Invoke(() => parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
    }

    /// <summary>"data fetch" for the fetch verb (what the user types before --help); null for the app itself.</summary>
    private static string? CommandPath(CommandResult command)
    {
        var names = new Stack<string>();
        for (CommandResult c = command; c.Parent is CommandResult parent; c = parent) names.Push(c.Command.Name);
        return names.Count == 0 ? null : string.Join(' ', names);
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
