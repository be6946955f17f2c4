using System.Diagnostics;

namespace MlNetFashion.Scoring.Tests;

/// <summary>The line-of-business sample, built by the solution, run as a user would run it.</summary>
public class LobAppTests
{
    [Fact]
    public void LobApp_ClassifiesSampleImagesWithATrainedModel()
    {
        // tests/Scoring.Tests/bin/CONFIG/net10.0 → the repository root, and the same configuration of the sample.
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        string configuration = output.Parent!.Name;
        var root = output;
        while (!File.Exists(Path.Combine(root.FullName, "MlNetFashion.sln"))) root = root.Parent!;
        string app = Path.Combine(root.FullName, "samples", "LobApp", "bin", configuration, "net10.0", "LobApp.dll");
        Assert.True(File.Exists(app), $"build the solution first: {app} not found");
        string trouser = Path.Combine(AppContext.BaseDirectory, "samples", "1-trouser.png");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { app, TrainedModel.Onnx, trouser }) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        string text = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000));
        Assert.Equal(0, process.ExitCode);
        Assert.Matches(@"1-trouser\.png: Trouser \(\d+ %\)", text);
    }
}
