using System.CommandLine;

namespace MlNetFashion.CommandLine.Tests;

public sealed class ChoiceOptionTests
{
    public enum Shade
    {
        Light,
        DarkGrey,
    }

    private static (Shade? Value, IReadOnlyList<string> Errors) Parse(params string[] args)
    {
        Option<Shade?> option = ChoiceOption.Create<Shade>("--shade", "The shade.");
        var command = new RootCommand { option };
        ParseResult result = command.Parse(args);
        // GetValue throws once the parse has errors.
        return (result.Errors.Count == 0 ? result.GetValue(option) : null, [.. result.Errors.Select(e => e.Message)]);
    }

    [Theory]
    [InlineData("light", Shade.Light)]
    [InlineData("DarkGrey", Shade.DarkGrey)]
    [InlineData("DARKGREY", Shade.DarkGrey)]
    public void Parse_NameInAnyCase_GivesItsMember(string token, Shade expected)
    {
        var (value, errors) = Parse("--shade", token);

        Assert.Empty(errors);
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Parse_NotGiven_IsNull()
    {
        var (value, errors) = Parse();

        Assert.Empty(errors);
        Assert.Null(value);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("7")]
    [InlineData("light,darkgrey")]
    [InlineData("pink")]
    public void Parse_NumberOrUnknownWord_OneErrorNamingTheOptionAndTheNames(string token)
    {
        var (_, errors) = Parse("--shade", token);

        Assert.Equal($"--shade: expected light or darkgrey, received \"{token}\"", Assert.Single(errors));
    }

    [Fact]
    public void HelpName_TheLowerCaseNames()
    {
        Assert.Equal("light|darkgrey", ChoiceOption.Create<Shade>("--shade", "The shade.").HelpName);
    }
}
