using System.Diagnostics;

namespace MlNetFashion.Scoring.Tests;

/// <summary>The line-of-business sample, built by the solution, run as a user would run it.</summary>
public class LobAppTests
{
    private static readonly string Trouser = Path.Combine(AppContext.BaseDirectory, "samples", "1-trouser.png");

    [Fact]
    public void LobApp_ClassifiesSampleImagesWithATrainedModel()
    {
        var (exit, output, _) = Run(TrainedModel.Onnx, Trouser);
        Assert.Equal(0, exit);
        Assert.Matches(@"1-trouser\.png: Trouser \(\d+ %\)", output);
    }

    [Theory]
    [InlineData("image")]
    [InlineData("model")]
    public void LobApp_MissingFile_OneLineNamingItAndExitOne(string missing)
    {
        string absent = Path.Combine(Path.GetTempPath(), $"lobapp-absent-{Guid.NewGuid():N}.{(missing == "model" ? "onnx" : "png")}");
        var (exit, output, error) = missing == "model" ? Run(absent, Trouser) : Run(TrainedModel.Onnx, absent);
        Assert.Equal(1, exit);
        Assert.Equal($"error: {absent}: {missing} file not found", error.Trim());
        Assert.Equal("", output);
    }

    private static (int Exit, string Out, string Error) Run(params string[] args)
    {
        // tests/Scoring.Tests/bin/CONFIG/net10.0 → the repository root, and the same configuration of the sample.
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        string configuration = output.Parent!.Name;
        var root = output;
        while (!File.Exists(Path.Combine(root.FullName, "MlNetFashion.sln"))) root = root.Parent!;
        string app = Path.Combine(root.FullName, "samples", "LobApp", "bin", configuration, "net10.0", "LobApp.dll");
        Assert.True(File.Exists(app), $"build the solution first: {app} not found");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args.Prepend(app)) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        string text = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000));
        return (process.ExitCode, text, error.Result);
    }
}
