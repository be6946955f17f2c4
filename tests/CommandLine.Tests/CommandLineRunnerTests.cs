using System.CommandLine;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.CommandLine.Tests;

public sealed class CommandLineRunnerTests
{
    private sealed class DivergedException() : Exception("training diverged");

    [Fact]
    public void Invoke_UserError_OneLineOnStderrAndExitOne()
    {
        var (exit, output, error) = ConsoleCapture.Run(() =>
            CommandLineRunner.Invoke(() => throw new FileNotFoundException("model.onnx: model file not found\n   at somewhere")));

        Assert.Equal(1, exit);
        Assert.Equal("error: model.onnx: model file not found", error.Trim());
        Assert.Equal("", output);
    }

    [Fact]
    public void Invoke_ExceptionTheAppMapsToAnOption_UserErrorNamingTheOption()
    {
        var (exit, _, error) = ConsoleCapture.Run(() =>
            CommandLineRunner.Invoke(() => throw new DivergedException(), ex => ex is DivergedException ? "--lr" : null));

        Assert.Equal(1, exit);
        Assert.Equal("error: training diverged (--lr)", error.Trim());
    }

    [Fact]
    public void Invoke_Bug_Propagates()
    {
        Assert.Throws<NullReferenceException>(() => CommandLineRunner.Invoke(() => throw new NullReferenceException()));
    }

    [Fact]
    public void Invoke_Success_ReturnsTheActionsExitCode()
    {
        Assert.Equal(3, CommandLineRunner.Invoke(() => 3));
    }

    [Theory]
    [InlineData(new[] { "fetch", "--epochs", "abc" }, "error: --epochs: expected an integer, received \"abc\" (see 'data fetch --help')")]
    [InlineData(new[] { "fech" }, "error: unknown command 'fech' for data: expected fetch (see 'data --help')")]
    [InlineData(new[] { "--" }, "error: unrecognized option '--': expected a command: data (see '--help')")]
    [InlineData(new string[0], "error: data: expected a command: fetch (see 'data --help')")]
    public void Run_ParseErrors_OneLineAndExitOne(string[] afterData, string expected)
    {
        (RootCommand root, _) = App();
        string[] args = afterData is ["--"] ? afterData : ["data", .. afterData];

        var (exit, output, error) = ConsoleCapture.Run(() => CommandLineRunner.Run(root, args));

        Assert.Equal(1, exit);
        Assert.Equal(expected, error.Trim());
        Assert.Equal("", output);
    }

    [Fact]
    public void Run_Verb_RunsItsActionWithTheParsedValue()
    {
        (RootCommand root, Func<int> epochs) = App();

        var (exit, _, error) = ConsoleCapture.Run(() => CommandLineRunner.Run(root, ["data", "fetch", "--epochs", "7"]));

        Assert.True(exit == 0, error);
        Assert.Equal(7, epochs());
    }

    [Fact]
    public void Run_VerbThrowsAUserError_OneLineAndExitOne()
    {
        var root = new RootCommand("test");
        var verb = new Command("train");
        verb.SetAction(new Func<ParseResult, int>(_ => throw new ArgumentException("--out: expected a folder", "out")));
        root.Subcommands.Add(verb);

        var (exit, _, error) = ConsoleCapture.Run(() => CommandLineRunner.Run(root, ["train"]));

        Assert.Equal(1, exit);
        Assert.Equal("error: --out: expected a folder", error.Trim());
    }

    /// <summary>An app with one group of verbs, "data fetch --epochs N"; the function gives the last parsed N.</summary>
    private static (RootCommand Root, Func<int> Epochs) App()
    {
        int parsed = -1;
        var epochs = new Option<int>("--epochs");
        var fetch = new Command("fetch") { epochs };
        fetch.SetAction(parse =>
        {
            parsed = parse.GetValue(epochs);
            return 0;
        });
        var data = new Command("data") { fetch };
        var root = new RootCommand("test") { data };
        return (root, () => parsed);
    }
}
