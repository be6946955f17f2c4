using System.Runtime.Versioning;

namespace MlNetFashion.Benchmarks.Tests;

/// <summary>
/// build.sh's test verb, run from a copy beside stand-ins for dotnet, dpkg and apt-get: the stand-in dotnet prints
/// the per-assembly lines dotnet test prints and writes one TRX file, so only the script's own logic runs.
/// </summary>
[UnsupportedOSPlatform("windows")] // bash and Unix file modes
public sealed class BuildScriptTests : IDisposable
{
    internal const string PassedLine = "Passed!  - Failed:     0, Passed:     3, Skipped:     0, Total:     3, Duration: 1 s - A.Tests.dll";
    internal const string SkippedLine =
        "Skipped! - Failed:     0, Passed:     0, Skipped:     1, Total:     1, Duration: 1 s - B.Tests.dll";

    // As the TRX logger writes it: one element per line, attribute values and text XML-escaped.
    internal const string Trx = """
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <Results>
            <UnitTestResult executionId="1" testName="A.Tests.Passes" outcome="Passed" testListId="2">
            </UnitTestResult>
            <UnitTestResult executionId="3" testName="B.Tests.Page(size: &quot;large&quot;)" outcome="NotExecuted" testListId="2">
              <Output>
                <ErrorInfo>
                  <Message>/usr/bin/chromium not installed: install chromium &amp; retry (&lt;see build.sh&gt;)</Message>
                </ErrorInfo>
              </Output>
            </UnitTestResult>
          </Results>
        </TestRun>
        """;

    internal const string SkippedListing =
        "  skipped B.Tests.Page(size: \"large\") [/usr/bin/chromium not installed: install chromium & retry (<see build.sh>)]";

    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetfashion-build-sh-").FullName;

    public BuildScriptTests()
    {
        File.Copy(Path.Combine(Shell.Repository, "build.sh"), Path.Combine(_dir, "build.sh"));
        string bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        StandIn(bin, "dotnet", """
            printf 'dotnet %s\n' "$*" >> calls.log
            [ "$1" = test ] || exit 0
            # The GPU variant's run (Category=Gpu) is a second dotnet test: it stands for a run of no tests here.
            case "$*" in *Category=Gpu*) exit 0 ;; esac
            while [ $# -gt 0 ]; do [ "$1" = --results-directory ] && dir=$2; shift; done
            mkdir -p "$dir" && printf '%s' "$FAKE_TRX" > "$dir/run.trx"
            printf '%s\n' "$FAKE_OUTPUT"
            exit "$FAKE_EXIT"
            """);
        StandIn(bin, "dpkg", "exit ${FAKE_DPKG_EXIT:-0}");   // 1: no package is installed
        StandIn(bin, "sudo", "exec \"$@\"");   // without root: the stand-ins, never the machine's apt-get
        StandIn(bin, "apt-get", "printf 'apt-get %s\\n' \"$*\" >> calls.log");
    }

    private string[] Calls => File.ReadAllLines(Path.Combine(_dir, "calls.log"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Test_ATestSkipped_FailsNamingTheTestAndItsReason()
    {
        var (exit, output, _) = Test(PassedLine + "\n" + SkippedLine, Trx);

        Assert.Equal(1, exit);
        Assert.Contains("tests: 3 passed, 0 failed, 1 skipped\n", output);
        Assert.Contains("tests: a skipped test fails the run (MLNETFASHION_ALLOW_SKIPS=1 allows skips):\n", output);
        Assert.EndsWith("\n" + SkippedListing + "\n", output);
    }

    [Fact]
    public void Test_ATestSkippedWithAllowSkips_PassesNamingTheTest()
    {
        var (exit, output, _) = Test(PassedLine + "\n" + SkippedLine, Trx, allowSkips: true);

        Assert.Equal(0, exit);
        Assert.Contains("tests: skips allowed (MLNETFASHION_ALLOW_SKIPS=1):\n" + SkippedListing + "\n", output);
    }

    [Fact]
    public void Test_NothingSkipped_PassesWithTheClosingLineLast()
    {
        var (exit, output, _) = Test(PassedLine, Trx.Replace("NotExecuted", "Passed"));

        Assert.Equal(0, exit);
        Assert.EndsWith("\ntests: 3 passed, 0 failed, 0 skipped\n", output);
    }

    [Fact]
    public void Test_AFailureAndASkip_KeepsDotnetTestsExitCode()
    {
        string failedLine = PassedLine.Replace("Passed!  - Failed:     0, Passed:     3", "Failed!  - Failed:     2, Passed:     1");
        var (exit, output, _) = Test(failedLine + "\n" + SkippedLine, Trx, dotnetExit: 3);

        Assert.Equal(3, exit);
        Assert.Contains("tests: 1 passed, 2 failed, 1 skipped\n", output);
    }

    [Fact]
    public void Setup_NothingInstalled_InstallsTheTestToolsAndPowerShellThenRestores()
    {
        var (exit, _, error) = Verb(["setup"], new() { ["FAKE_DPKG_EXIT"] = "1" });

        Assert.True(exit == 0, error);
        string install = Assert.Single(Calls, c => c.StartsWith("apt-get install ", StringComparison.Ordinal)
            && c.Contains(" chromium haproxy curl", StringComparison.Ordinal));
        int tools = Array.IndexOf(Calls, install);
        int pwsh = Array.IndexOf(Calls, "dotnet tool install --tool-path artifacts/tools PowerShell --version 7.6.10");
        int restore = Array.IndexOf(Calls, "dotnet restore MlNetFashion.sln --nologo -v quiet");
        Assert.True(tools >= 0 && tools < pwsh && pwsh < restore, string.Join('\n', Calls));
    }

    [Fact]
    public void Build_RestoresThenBuildsTheSolution()
    {
        var (exit, _, error) = Verb(["build"]);

        Assert.True(exit == 0, error);
        Assert.Equal(["dotnet restore MlNetFashion.sln --nologo -v quiet",
            "dotnet build MlNetFashion.sln -c Release --nologo -v quiet --no-restore"], Calls);
    }

    [Fact]
    public void Format_RestoresThenAppliesTheWhitespaceRules()
    {
        var (exit, _, error) = Verb(["format"]);

        Assert.True(exit == 0, error);
        Assert.Equal(["dotnet restore MlNetFashion.sln --nologo -v quiet", "dotnet format whitespace MlNetFashion.sln -v quiet"], Calls);
    }

    [Theory]
    [InlineData("train", "--preset best")]
    [InlineData("bench", "--seconds 2 --json")]
    public void TrainAndBench_Arguments_PassedToTheTrainingAppsVerb(string verb, string args)
    {
        var (exit, _, error) = Verb([verb, .. args.Split(' ')]);

        Assert.True(exit == 0, error);
        Assert.Equal($"dotnet run --project Training -c Release -- {verb} {args}", Calls[^1]);
    }

    [Fact]
    public void Usage_UnknownVerb_Exit2WithTheUsageLineOnly()
    {
        var (exit, output, error) = Verb(["deploy"]);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal("usage: ./build.sh setup|build|test|format|pack|train [args]|bench [args]|publish [DIR] [args]\n", error);
    }

    private (int Exit, string Out, string Error) Verb(string[] args, Dictionary<string, string?>? environment = null)
    {
        environment ??= [];
        environment["PATH"] = Path.Combine(_dir, "bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        environment["FASHION_MNIST_DIR"] = null;
        return Shell.Run(Path.Combine(_dir, "build.sh"), args, environment);
    }

    private (int Exit, string Out, string Error) Test(string output, string trx, bool allowSkips = false, int dotnetExit = 0) =>
        Shell.Run(Path.Combine(_dir, "build.sh"), ["test"], new Dictionary<string, string?>
        {
            ["PATH"] = Path.Combine(_dir, "bin") + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["FAKE_OUTPUT"] = output, ["FAKE_TRX"] = trx, ["FAKE_EXIT"] = dotnetExit.ToString(),
            ["MLNETFASHION_ALLOW_SKIPS"] = allowSkips ? "1" : null,
            ["FASHION_MNIST_DIR"] = null,
        });

    private static void StandIn(string bin, string name, string body)
    {
        string path = Path.Combine(bin, name);
        File.WriteAllText(path, "#!/usr/bin/env bash\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
