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
            Console.Error.WriteLine("error: " + OneLine(ex));
            return 1;
        }
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
