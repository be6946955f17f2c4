namespace MlNetFashion.Scoring.Tests.Commands;

public sealed class ScoringCommandLineTests
{
    [Fact]
    public void Scoring_UnknownCommand_NamesItAndTheCommands()
    {
        Assert.Equal("error: unknown command 'bogus': expected predict, prepare, serve, bench, export-samples (see '--help')",
            Cli.Refusal("bogus", "--model", "m.onnx"));
    }

    [Fact]
    public void Scoring_OptionInsteadOfACommand_NamesIt()
    {
        Assert.Equal(
            "error: unrecognized option '--modle': expected a command: predict, prepare, serve, bench, export-samples (see '--help')",
            Cli.Refusal("--modle", "m.onnx"));
    }
}
