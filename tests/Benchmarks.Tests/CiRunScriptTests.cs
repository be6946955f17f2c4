using System.Runtime.Versioning;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Benchmarks.Tests;

/// <summary>
/// .ci/run from a copy beside a stand-in build.sh: the tests first, then ./build.sh train, whose accuracy line and files
/// it checks.
/// </summary>
[UnsupportedOSPlatform("windows")] // bash and Unix file modes
public sealed class CiRunScriptTests : TempFolderTests
{
    private static readonly string[] Artifacts =
        ["model.onnx", "model.zip", "metrics.json", "history.csv", "report.html", "checkpoints/last.ckpt", "checkpoints/best.ckpt"];

    private const string AccuracyLine = "test accuracy 94.04 % (macro 94.04 %, log-loss 0.1700); 8 epochs; whole run 7 min 2 s";

    public CiRunScriptTests() : base("mlnetfashion-ci-run-")
    {
        Directory.CreateDirectory(Path.Combine(Folder, ".ci"));
        File.Copy(Path.Combine(Shell.Repository, ".ci", "run"), Path.Combine(Folder, ".ci", "run"));
        string buildSh = Path.Combine(Folder, "build.sh");
        File.WriteAllText(buildSh, """
            #!/usr/bin/env bash
            echo "$1" >> verbs.log
            [ "$1" = test ] && exit "$FAKE_TEST_EXIT"
            for f in $FAKE_WRITES; do mkdir -p "$(dirname "artifacts/$f")"; echo x > "artifacts/$f"; done
            printf '%s\n' "$FAKE_OUTPUT"

            """);
        File.SetUnixFileMode(buildSh, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public void Run_TrainWritesEveryFileAndPrintsItsAccuracy_PassesAfterTheTests()
    {
        var (exit, output, error) = Run(Artifacts, "epoch 8/8\n" + AccuracyLine);

        Assert.True(exit == 0, error);
        Assert.Equal(["test", "train"], File.ReadAllLines(Path.Combine(Folder, "verbs.log")));
        Assert.EndsWith("ci: ./build.sh train wrote every artifact; test accuracy 94.04 %\n", output);
    }

    [Fact]
    public void Run_TestsFail_StopsBeforeTraining()
    {
        var (exit, _, _) = Run(Artifacts, AccuracyLine, testExit: 1);

        Assert.Equal(1, exit);
        Assert.Equal(["test"], File.ReadAllLines(Path.Combine(Folder, "verbs.log")));
    }

    [Fact]
    public void Run_NoAccuracyLine_FailsSayingSo()
    {
        var (exit, _, error) = Run(Artifacts, "epoch 8/8");

        Assert.Equal(1, exit);
        Assert.Equal("ci: ./build.sh train printed no 'test accuracy N %' line\n", error);
    }

    [Fact]
    public void Run_AccuracyBelow93Percent_FailsNamingIt()
    {
        var (exit, _, error) = Run(Artifacts, AccuracyLine.Replace("test accuracy 94.04 %", "test accuracy 92.99 %"));

        Assert.Equal(1, exit);
        Assert.Equal("ci: ./build.sh train reached 92.99 %, expected 93 % or more\n", error);
    }

    [Fact]
    public void Run_AFileLeftFromAnEarlierRun_FailsNamingIt()
    {
        string old = Path.Combine(Folder, "artifacts", "report.html");
        Directory.CreateDirectory(Path.GetDirectoryName(old)!);
        File.WriteAllText(old, "an earlier run's report");
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-1));

        var (exit, _, error) = Run([.. Artifacts.Where(f => f != "report.html")], AccuracyLine);

        Assert.Equal(1, exit);
        Assert.Equal("ci: ./build.sh train did not write artifacts/report.html\n", error);
    }

    private (int Exit, string Out, string Error) Run(IEnumerable<string> writes, string output, int testExit = 0) =>
        Shell.Run(Path.Combine(Folder, ".ci", "run"), [], new Dictionary<string, string?>
        {
            ["FAKE_WRITES"] = string.Join(' ', writes), ["FAKE_OUTPUT"] = output, ["FAKE_TEST_EXIT"] = testExit.ToString(),
        });
}
