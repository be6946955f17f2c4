using System.Runtime.Versioning;

namespace MlNetFashion.Benchmarks.Tests;

/// <summary>
/// .ci/run from a copy beside a stand-in build.sh: the tests first, then ./build.sh train, whose accuracy line and files
/// it checks.
/// </summary>
[UnsupportedOSPlatform("windows")] // bash and Unix file modes
public sealed class CiRunScriptTests : IDisposable
{
    private static readonly string[] Artifacts =
        ["model.onnx", "model.zip", "metrics.json", "history.csv", "report.html", "checkpoints/last.ckpt", "checkpoints/best.ckpt"];

    private const string AccuracyLine = "test accuracy 94.04 % (macro 94.04 %, log-loss 0.1700); 8 epochs; whole run 7 min 2 s";

    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetfashion-ci-run-").FullName;

    public CiRunScriptTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, ".ci"));
        File.Copy(Path.Combine(Shell.Repository, ".ci", "run"), Path.Combine(_dir, ".ci", "run"));
        string buildSh = Path.Combine(_dir, "build.sh");
        File.WriteAllText(buildSh, """
            #!/usr/bin/env bash
            echo "$1" >> verbs.log
            [ "$1" = test ] && exit "$FAKE_TEST_EXIT"
            for f in $FAKE_WRITES; do mkdir -p "$(dirname "artifacts/$f")"; echo x > "artifacts/$f"; done
            printf '%s\n' "$FAKE_OUTPUT"

            """);
        File.SetUnixFileMode(buildSh, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Run_TrainWritesEveryFileAndPrintsItsAccuracy_PassesAfterTheTests()
    {
        var (exit, output, error) = Run(Artifacts, "epoch 8/8\n" + AccuracyLine);

        Assert.True(exit == 0, error);
        Assert.Equal(["test", "train"], File.ReadAllLines(Path.Combine(_dir, "verbs.log")));
        Assert.EndsWith("ci: ./build.sh train wrote every artifact; test accuracy 94.04 %\n", output);
    }

    [Fact]
    public void Run_TestsFail_StopsBeforeTraining()
    {
        var (exit, _, _) = Run(Artifacts, AccuracyLine, testExit: 1);

        Assert.Equal(1, exit);
        Assert.Equal(["test"], File.ReadAllLines(Path.Combine(_dir, "verbs.log")));
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
        string old = Path.Combine(_dir, "artifacts", "report.html");
        Directory.CreateDirectory(Path.GetDirectoryName(old)!);
        File.WriteAllText(old, "an earlier run's report");
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-1));

        var (exit, _, error) = Run([.. Artifacts.Where(f => f != "report.html")], AccuracyLine);

        Assert.Equal(1, exit);
        Assert.Equal("ci: ./build.sh train did not write artifacts/report.html\n", error);
    }

    private (int Exit, string Out, string Error) Run(IEnumerable<string> writes, string output, int testExit = 0) =>
        Shell.Run(Path.Combine(_dir, ".ci", "run"), [], new Dictionary<string, string?>
        {
            ["FAKE_WRITES"] = string.Join(' ', writes), ["FAKE_OUTPUT"] = output, ["FAKE_TEST_EXIT"] = testExit.ToString(),
        });
}
