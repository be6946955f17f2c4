namespace MlNetFashion.Training.Commands;

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
            Console.Error.WriteLine("error: " + ex.Message);
            return 1;
        }
    }

    /// <summary>Bad files, bad options and bad data: the message already names the thing and both sides.</summary>
    public static bool IsUserError(Exception ex) =>
        ex is InvalidDataException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
            or ArgumentException or InvalidOperationException or IOException or OperationCanceledException
            or System.Text.Json.JsonException or FormatException;
}
