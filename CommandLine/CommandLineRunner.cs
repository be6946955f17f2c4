using System.CommandLine;
using System.CommandLine.Parsing;

namespace MlNetFashion.CommandLine;

/// <summary>
/// The apps' one entry point. A verb parses its options and calls a library; libraries throw. Here, and only here,
/// errors become output and exit codes: a parse error or an unknown verb is one line pointing at the help, and an
/// exception the user can fix (bad files, bad options, bad data) is "error: " and its message's first line; exit code 1
/// and no stack trace for both.
/// </summary>
public static class CommandLineRunner
{
    /// <summary>Parses <paramref name="args"/> against <paramref name="root"/>'s verbs and runs the one named.</summary>
    /// <param name="optionThatFixes">
    /// The app's own exceptions a user can fix, mapped to the option that fixes them (a diverged training: "--lr"); null
    /// for any other exception. Such an exception is a user error whose line ends with the option.
    /// </param>
    public static int Run(RootCommand root, string[] args, Func<Exception, string?>? optionThatFixes = null)
    {
        ParseResult parse = root.Parse(args);
        // No verb at all: System.CommandLine's overview help is what the user wants to see.
        if (parse.Errors.Count > 0 && args.Length > 0)
        {
            Command at = parse.CommandResult.Command;
            string? path = CommandPath(parse.CommandResult);
            if (at.Subcommands.Count == 0) return Fail(ErrorLines.ParseError(parse.Errors[0].Message, path ?? at.Name));
            // A command that only groups verbs, given none or a mistyped one: System.CommandLine's first error would be
            // "Required command was not provided". At the app itself the offending token is the first argument.
            string? token = parse.UnmatchedTokens.FirstOrDefault() ?? (path is null ? args[0] : null);
            return Fail(ErrorLines.UnknownCommand(token, path, at.Subcommands.Select(c => c.Name)));
        }
        // System.CommandLine's own handler would print a stack trace: exceptions go through Invoke instead.
        return Invoke(() => parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }), optionThatFixes);
    }

    /// <summary>
    /// Runs an app's action (for an app that parses its own arguments), turning user errors into one line on stderr and
    /// exit code 1; any other exception is a bug and propagates with its stack trace.
    /// </summary>
    /// <param name="optionThatFixes">As for <see cref="Run"/>.</param>
    public static int Invoke(Func<int> action, Func<Exception, string?>? optionThatFixes = null)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (optionThatFixes?.Invoke(ex) is string option)
        {
            return Fail($"{ErrorLines.OneLine(ex)} ({option})");
        }
        catch (Exception ex) when (IsUserError(ex))
        {
            return Fail(ErrorLines.OneLine(ex));
        }
    }

    /// <summary>Bad files, bad options and bad data: the libraries' messages already name the thing and both sides.</summary>
    public static bool IsUserError(Exception ex) =>
        ex is InvalidDataException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
            or ArgumentException or InvalidOperationException or IOException or OperationCanceledException
            or System.Text.Json.JsonException or FormatException or NotSupportedException;

    /// <summary>Writes "error: " and the line to stderr: how every user error looks, also one a command reports and goes on.</summary>
    public static void WriteError(string line) => Console.Error.WriteLine("error: " + line);

    private static int Fail(string line)
    {
        WriteError(line);
        return 1;
    }

    /// <summary>"data fetch" for the fetch verb (what the user types before --help); null for the app itself.</summary>
    private static string? CommandPath(CommandResult command)
    {
        var names = new Stack<string>();
        for (CommandResult c = command; c.Parent is CommandResult parent; c = parent) names.Push(c.Command.Name);
        return names.Count == 0 ? null : string.Join(' ', names);
    }
}
