namespace MlNetFashion.Scoring.Tests.Commands;

public sealed class ScoringCommandLineTests
{
    [Fact]
    public void Scoring_UnknownCommand_NamesItAndTheCommands()
    {
        var (exit, output, error) = Cli.Run("bogus", "--model", "m.onnx");

        Assert.Equal(1, exit);
        Assert.Equal("error: unknown command 'bogus': expected predict, prepare, serve, bench, export-samples (see '--help')",
            error.Trim());
        Assert.Equal("", output);
    }

    [Fact]
    public void Scoring_OptionInsteadOfACommand_NamesIt()
    {
        var (exit, _, error) = Cli.Run("--modle", "m.onnx");

        Assert.Equal(1, exit);
        Assert.Equal(
            "error: unrecognized option '--modle': expected a command: predict, prepare, serve, bench, export-samples (see '--help')",
            error.Trim());
    }
}
