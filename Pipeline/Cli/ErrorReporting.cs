namespace MlNetFashion.Pipeline.Cli;

/// <summary>Turns the exceptions a user can cause into one clear line on stderr and exit code 1.</summary>
public static class ErrorReporting
{
    public static int Invoke(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (IsUserError(ex))
        {
            // The engine's advice in the command line's words.
            string hint = ex is MlNetFashion.Engine.Training.TrainingDivergedException ? " (--lr)" : "";
            Console.Error.WriteLine("error: " + OneLine(ex) + hint);
            return 1;
        }
    }

    /// <summary>
    /// A command-line parse error (System.CommandLine's first message) as one line with a pointer to the verb's help,
    /// instead of the message, a blank line and the whole help text on stdout.
    /// </summary>
    public static int ParseError(string message, string command)
    {
        Console.Error.WriteLine($"error: {ParseErrorLine(message)} (see '{command} --help')");
        return 1;
    }

    /// <summary>
    /// A command that only groups verbs (the app itself, "data") given none, or one it does not have ("bogus", "fech"):
    /// System.CommandLine says only "Required command was not provided". <paramref name="command"/> is null for the app.
    /// </summary>
    public static int UnknownCommand(string? token, string? command, IEnumerable<string> verbs)
    {
        string expected = string.Join(", ", verbs), help = command is null ? "--help" : $"{command} --help", of = command is null ? "" : $" for {command}";
        Console.Error.WriteLine(token switch
        {
            null => $"error: {command}: expected a command: {expected} (see '{help}')",
            _ when token.StartsWith('-') => $"error: unrecognized option '{token}'{of}: expected a command: {expected} (see '{help}')",
            _ => $"error: unknown command '{token}'{of}: expected {expected} (see '{help}')",
        });
        return 1;
    }

    /// <summary>"Cannot parse argument 'abc' for option '--epochs' as expected type 'System.Int32'." → "--epochs: expected an integer, received "abc"".</summary>
    public static string ParseErrorLine(string message)
    {
        // "Unrecognized command or argument '--modle'": worded as UnknownCommand words it, so a typo reads the same everywhere.
        var unrecognized = System.Text.RegularExpressions.Regex.Match(message, @"^Unrecognized command or argument '(.*)'\.?$");
        if (unrecognized.Success)
            return unrecognized.Groups[1].Value.StartsWith('-') ? $"unrecognized option '{unrecognized.Groups[1].Value}'" : $"unexpected argument '{unrecognized.Groups[1].Value}'";
        var match = System.Text.RegularExpressions.Regex.Match(message, @"^Cannot parse argument '(.*)' for option '(.*)' as expected type '(.*)'\.$");
        if (!match.Success) return message.Split('\n')[0].Trim().TrimEnd('.');
        string type = match.Groups[3].Value, expected =
            type.Contains("UInt", StringComparison.Ordinal) ? "a whole number ≥ 0"
            : type.Contains("Int", StringComparison.Ordinal) ? "an integer"
            : type.Contains("Single", StringComparison.Ordinal) || type.Contains("Double", StringComparison.Ordinal) ? "a number"
            : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
            : "a value of type " + type;
        return $"{match.Groups[2].Value}: expected {expected}, received \"{match.Groups[1].Value}\"";
    }

    /// <summary>The message's first line, without .NET's " (Parameter 'x')" suffix.</summary>
    public static string OneLine(Exception ex)
    {
        string line = ex.Message.Split('\n')[0].Trim();
        int parameter = line.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return parameter > 0 ? line[..parameter] : line;
    }

    /// <summary>Bad files, bad options and bad data: the message already names the thing and both sides.</summary>
    public static bool IsUserError(Exception ex) =>
        ex is InvalidDataException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
            or ArgumentException or InvalidOperationException or IOException or OperationCanceledException
            or System.Text.Json.JsonException or FormatException or NotSupportedException
            or MlNetFashion.Engine.Training.TrainingDivergedException;
}
