using System.Text.RegularExpressions;

namespace MlNetFashion.CommandLine;

/// <summary>The one-line wording of errors (without the "error: " prefix the runner adds).</summary>
public static partial class ErrorLines
{
    /// <summary>
    /// The message's first line, without .NET's " (Parameter 'x')" suffix; an I/O error that .NET words with the path last
    /// ("No space left on device : '/out/p.csv'") starts with the path, as every other line does.
    /// </summary>
    public static string OneLine(Exception ex)
    {
        ex = Cause(ex);
        string line = ex.Message.Split('\n')[0].Trim();
        int parameter = line.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (parameter > 0) return line[..parameter];
        Match pathLast = PathLast().Match(line);
        return pathLast.Success ? $"{pathLast.Groups[2].Value}: {pathLast.Groups[1].Value}" : line;
    }

    /// <summary>ML.NET's own wording of a component that failed to load a saved model ("Error during class instantiation").</summary>
    public const string MlNetInstantiationError = "Error during class instantiation";

    /// <summary>
    /// The exception that says what went wrong: ML.NET wraps what a component's constructor threw in
    /// <see cref="MlNetInstantiationError"/> around a <see cref="System.Reflection.TargetInvocationException"/>, a line that
    /// names neither the component nor the cause, so the line is the innermost such exception's.
    /// </summary>
    private static Exception Cause(Exception ex)
    {
        while (ex.InnerException is { } inner && (ex is System.Reflection.TargetInvocationException
                   || ex.Message.StartsWith(MlNetInstantiationError, StringComparison.Ordinal)))
            ex = inner;
        return ex;
    }

    /// <summary>
    /// <see cref="OneLine"/> of an error about <paramref name="file"/>, starting with the file as the user gave it: the
    /// libraries name a file by its name alone ("05.png: …"), which is ambiguous among files of several folders.
    /// </summary>
    public static string AboutFile(Exception ex, string file)
    {
        string line = OneLine(ex), name = Path.GetFileName(file) + ": ";
        if (line.StartsWith(file, StringComparison.Ordinal)) return line; // also a file written beside it (IMAGE.heat.json)
        return line.StartsWith(name, StringComparison.Ordinal) ? $"{file}: {line[name.Length..]}" : $"{file}: {line}";
    }

    /// <summary>
    /// A command-line parse error (System.CommandLine's first message) as one line with a pointer to the verb's help,
    /// instead of the message, a blank line and the whole help text on stdout.
    /// </summary>
    public static string ParseError(string message, string command) => $"{ParseErrorLine(message)} (see '{command} --help')";

    /// <summary>
    /// A command that only groups verbs (the app itself, "data") given none (<paramref name="token"/> null), or one it
    /// does not have ("bogus", "fech"). <paramref name="command"/> is null for the app itself.
    /// </summary>
    public static string UnknownCommand(string? token, string? command, IEnumerable<string> verbs)
    {
        string expected = string.Join(", ", verbs);
        string help = command is null ? "--help" : $"{command} --help", of = command is null ? "" : $" for {command}";
        return token switch
        {
            null => $"{command}: expected a command: {expected} (see '{help}')",
            _ when token.StartsWith('-') => $"unrecognized option '{token}'{of}: expected a command: {expected} (see '{help}')",
            _ => $"unknown command '{token}'{of}: expected {expected} (see '{help}')",
        };
    }

    /// <summary>
    /// "Cannot parse argument 'abc' for option '--epochs' as expected type 'System.Int32'." →
    /// "--epochs: expected an integer, received "abc"".
    /// </summary>
    public static string ParseErrorLine(string message)
    {
        // "Unrecognized command or argument '--modle'": worded as UnknownCommand words it, so a typo reads the same everywhere.
        Match unrecognized = Unrecognized().Match(message);
        if (unrecognized.Success)
        {
            string token = unrecognized.Groups[1].Value;
            return token.StartsWith('-') ? $"unrecognized option '{token}'" : $"unexpected argument '{token}'";
        }
        Match match = CannotParse().Match(message);
        if (!match.Success) return message.Split('\n')[0].Trim().TrimEnd('.');
        string type = match.Groups[3].Value, expected =
            type.Contains("UInt", StringComparison.Ordinal) ? "a whole number ≥ 0"
            : type.Contains("Int", StringComparison.Ordinal) ? "an integer"
            : type.Contains("Single", StringComparison.Ordinal) || type.Contains("Double", StringComparison.Ordinal) ? "a number"
            : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
            : "a value of type " + type;
        return $"{match.Groups[2].Value}: expected {expected}, received \"{match.Groups[1].Value}\"";
    }

    [GeneratedRegex(@"^([^':]+) : '(.+)'$")]
    private static partial Regex PathLast();

    [GeneratedRegex(@"^Unrecognized command or argument '(.*)'\.?$")]
    private static partial Regex Unrecognized();

    [GeneratedRegex(@"^Cannot parse argument '(.*)' for option '(.*)' as expected type '(.*)'\.$")]
    private static partial Regex CannotParse();
}
