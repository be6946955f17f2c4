using System.CommandLine;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.CommandLine;

/// <summary>
/// An option whose values are an enum's names as the JSON spec and the help spell them (adam, adamw, sgd), in any case.
/// Anything else, numbers too, is one error naming the option and the names: System.CommandLine's own enum parsing takes
/// "7" as a value no member has, and refuses a word with the enum's .NET type name and an empty "Did you mean".
/// </summary>
public static class ChoiceOption
{
    /// <returns>An option whose value is null when it is not given: the caller knows the default.</returns>
    public static Option<T?> Create<T>(string name, string description) where T : struct, Enum => new(name)
    {
        Description = description,
        HelpName = string.Join('|', EnumSpelling.Names<T>()),
        CustomParser = result =>
        {
            string token = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (EnumSpelling.TryParse(token, out T value)) return value;
            result.AddError($"{name}: expected {EnumSpelling.Expected<T>()}, received \"{token}\"");
            return null;
        },
    };
}
