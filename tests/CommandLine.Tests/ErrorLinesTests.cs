namespace MlNetFashion.CommandLine.Tests;

public sealed class ErrorLinesTests
{
    [Theory]
    [InlineData(typeof(int), "an integer")]
    [InlineData(typeof(int?), "an integer")]
    [InlineData(typeof(ulong), "a whole number ≥ 0")]
    [InlineData(typeof(float), "a number")]
    [InlineData(typeof(double), "a number")]
    [InlineData(typeof(bool), "true or false")]
    [InlineData(typeof(Guid), "a value of type System.Guid")]
    public void ParseErrorLine_CannotParse_NamesTheOptionWhatItExpectsAndTheValue(Type type, string expected)
    {
        // System.CommandLine names the option's type as Type.ToString() does: System.Nullable`1[System.Int32] for int?.
        string line = ErrorLines.ParseErrorLine($"Cannot parse argument 'abc' for option '--epochs' as expected type '{type}'.");

        Assert.Equal($"--epochs: expected {expected}, received \"abc\"", line);
    }

    [Theory]
    [InlineData("Unrecognized command or argument '--modle'.", "unrecognized option '--modle'")]
    [InlineData("Unrecognized command or argument 'extra'.", "unexpected argument 'extra'")]
    [InlineData("Option '--model' is required.\nmore detail", "Option '--model' is required")]
    public void ParseErrorLine_OtherMessages_OneLineWithoutTheFinalStop(string message, string expected)
    {
        Assert.Equal(expected, ErrorLines.ParseErrorLine(message));
    }

    [Theory]
    [InlineData("05.png: the image data is truncated", "photos/05.png: the image data is truncated")]
    [InlineData("photos/05.png: image file not found", "photos/05.png: image file not found")]
    [InlineData("Access to the path is denied.", "photos/05.png: Access to the path is denied.")]
    [InlineData("No space left on device : 'photos/05.png.heat.json'", "photos/05.png.heat.json: No space left on device")]
    public void AboutFile_AnyMessage_StartsWithTheFileAsGivenOnce(string message, string expected)
    {
        Assert.Equal(expected, ErrorLines.AboutFile(new IOException(message), "photos/05.png"));
    }

    [Fact]
    public void ParseError_AnyMessage_PointsAtTheVerbsHelp()
    {
        Assert.Equal("unexpected argument 'x' (see 'data fetch --help')",
            ErrorLines.ParseError("Unrecognized command or argument 'x'.", "data fetch"));
    }

    [Theory]
    [InlineData("bogus", null, "unknown command 'bogus': expected train, data (see '--help')")]
    [InlineData("--bogus", null, "unrecognized option '--bogus': expected a command: train, data (see '--help')")]
    [InlineData("fech", "data", "unknown command 'fech' for data: expected train, data (see 'data --help')")]
    [InlineData("-x", "data", "unrecognized option '-x' for data: expected a command: train, data (see 'data --help')")]
    [InlineData(null, "data", "data: expected a command: train, data (see 'data --help')")]
    public void UnknownCommand_TokenAndCommand_NamesBothAndTheVerbs(string? token, string? command, string expected)
    {
        Assert.Equal(expected, ErrorLines.UnknownCommand(token, command, ["train", "data"]));
    }

    [Fact]
    public void OneLine_MlNetClassInstantiationWrapper_GivesTheCauseInside()
    {
        // As ML.NET's ComponentCatalog throws when a saved model's component fails in its constructor.
        var cause = new IOException("No space left on device : '/tmp/model.onnx'");
        var wrapped = new InvalidOperationException(ErrorLines.MlNetInstantiationError,
            new System.Reflection.TargetInvocationException(cause));

        Assert.Equal("/tmp/model.onnx: No space left on device", ErrorLines.OneLine(wrapped));
        Assert.Equal("outer", ErrorLines.OneLine(new InvalidOperationException("outer", cause)));
    }

    [Fact]
    public void OneLine_ArgumentException_FirstLineWithoutTheParameterSuffix()
    {
        var ex = new ArgumentException("--lr: expected a positive number\nsecond line", "lr");

        Assert.Equal("--lr: expected a positive number", ErrorLines.OneLine(ex));
    }

    [Theory]
    [InlineData("No space left on device : '/out/predictions.csv'", "/out/predictions.csv: No space left on device")]
    [InlineData("Read-only file system : '/mnt/cd/model.onnx'", "/mnt/cd/model.onnx: Read-only file system")]
    [InlineData("/out/p.csv: already exists; continue it with --resume, or remove it",
        "/out/p.csv: already exists; continue it with --resume, or remove it")]
    [InlineData("expected 'a' : 'b'", "expected 'a' : 'b'")]
    public void OneLine_IoErrorWithThePathLast_StartsWithThePath(string message, string expected)
    {
        Assert.Equal(expected, ErrorLines.OneLine(new IOException(message)));
    }
}
