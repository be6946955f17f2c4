using System.CommandLine;

namespace MlNetFashion.CommandLine;

/// <summary>
/// A path option given an empty or blank value (an unset variable in a script: --data-dir "$DIR") is refused naming the
/// option: .NET said "The value cannot be an empty string." without naming it, the model reader ": model file not found",
/// and train and evaluate read an empty --data-dir as "look in the usual places".
/// </summary>
public static class BlankValue
{
    /// <param name="expected">What the option takes, for the message: "a folder", "a file", "a model file".</param>
    public static Option<T> Refuse<T>(Option<T> option, string expected) where T : class?
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() is string value && string.IsNullOrWhiteSpace(value))
                result.AddError($"{option.Name}: expected {expected}, received '{value}'");
        });
        return option;
    }
}
