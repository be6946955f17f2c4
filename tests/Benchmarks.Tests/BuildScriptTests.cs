using System.Runtime.Versioning;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Benchmarks.Tests;

/// <summary>
/// build.sh's verbs, and build.ps1's where both scripts are run (one theory row each, the PowerShell row skipped without
/// pwsh), from copies beside stand-ins for dotnet, dpkg and apt-get: the stand-in dotnet prints the per-assembly lines
/// dotnet test prints and writes one TRX file, so only the scripts' own logic runs.
/// </summary>
[UnsupportedOSPlatform("windows")] // bash and Unix file modes
public sealed class BuildScriptTests : TempFolderTests
{
    private const string PassedLine = "Passed!  - Failed:     0, Passed:     3, Skipped:     0, Total:     3, Duration: 1 s - A.Tests.dll";
    private const string SkippedLine =
        "Skipped! - Failed:     0, Passed:     0, Skipped:     1, Total:     1, Duration: 1 s - B.Tests.dll";

    // As the TRX logger writes it: one element per line, attribute values and text XML-escaped.
    private const string Trx = """
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

    private const string SkippedListing =
        "  skipped B.Tests.Page(size: \"large\") [/usr/bin/chromium not installed: install chromium & retry (<see build.sh>)]";

    public BuildScriptTests() : base("mlnetfashion-build-sh-")
    {
        foreach (string script in new[] { "build.sh", "build.ps1" })
            File.Copy(Path.Combine(Shell.Repository, script), Path.Combine(Folder, script));
        string bin = Directory.CreateDirectory(Path.Combine(Folder, "bin")).FullName;
        // pwsh installed as a .NET tool starts itself as `dotnet pwsh.dll` through PATH: that call goes to the real dotnet.
        StandIn(bin, "dotnet", """
            case "$1" in *.dll) exec "$REAL_DOTNET" "$@" ;; esac
            printf 'dotnet %s\n' "$*" >> "$CALLS"
            case "$1" in format) [ -z "$FAKE_FORMAT_OUTPUT" ] || { printf '%s\n' "$FAKE_FORMAT_OUTPUT"; exit 2; } ;; esac
            [ "$1" = test ] || exit 0
            # The GPU variant's run (Category=Gpu) is a second dotnet test, with its own output.
            case "$*" in *Category=Gpu*) [ -z "$FAKE_GPU_OUTPUT" ] || printf '%s\n' "$FAKE_GPU_OUTPUT"; exit 0 ;; esac
            while [ $# -gt 0 ]; do [ "$1" = --results-directory ] && dir=$2; shift; done
            mkdir -p "$dir" && printf '%s' "$FAKE_TRX" > "$dir/run.trx"
            printf '%s\n' "$FAKE_OUTPUT"
            exit "$FAKE_EXIT"
            """);
        StandIn(bin, "dpkg", "exit ${FAKE_DPKG_EXIT:-0}");   // 1: no package is installed
        StandIn(bin, "sudo", "exec \"$@\"");   // without root: the stand-ins, never the machine's apt-get
        StandIn(bin, "apt-get", "printf 'apt-get %s\\n' \"$*\" >> \"$CALLS\"");
    }

    private string[] Calls => File.ReadAllLines(Path.Combine(Folder, "calls.log"));

    [Theory]
    [BuildScriptData(BuildScript.Bash)]
    [BuildScriptData(BuildScript.PowerShell)]
    public void Test_ATestSkipped_FailsNamingTheTestAndItsReason(BuildScript script)
    {
        string output = Test(script, expectedExit: 1, PassedLine + "\n" + SkippedLine, Trx);

        Assert.Contains("tests: 3 passed, 0 failed, 1 skipped\n", output);
        Assert.Contains("tests: a skipped test fails the run (MLNETFASHION_ALLOW_SKIPS=1 allows skips):\n", output);
        Assert.EndsWith("\n" + SkippedListing + "\n", output);
    }

    [Theory]
    [BuildScriptData(BuildScript.Bash)]
    [BuildScriptData(BuildScript.PowerShell)]
    public void Test_ATestSkippedWithAllowSkips_PassesNamingTheTest(BuildScript script)
    {
        string output = Test(script, expectedExit: 0, PassedLine + "\n" + SkippedLine, Trx, allowSkips: true);

        Assert.Contains("tests: skips allowed (MLNETFASHION_ALLOW_SKIPS=1):\n" + SkippedListing + "\n", output);
    }

    [Theory]
    [BuildScriptData(BuildScript.Bash)]
    [BuildScriptData(BuildScript.PowerShell)]
    public void Test_NothingSkipped_PassesWithTheClosingLineLast(BuildScript script)
    {
        string output = Test(script, expectedExit: 0, PassedLine, Trx.Replace("NotExecuted", "Passed"));

        Assert.EndsWith("\ntests: 3 passed, 0 failed, 0 skipped\n", output);
    }

    [Theory]
    [BuildScriptData(BuildScript.Bash)]
    [BuildScriptData(BuildScript.PowerShell)]
    public void Test_AFailureAndASkip_KeepsDotnetTestsExitCode(BuildScript script)
    {
        string failedLine = PassedLine.Replace("Passed!  - Failed:     0, Passed:     3", "Failed!  - Failed:     2, Passed:     1");
        string output = Test(script, expectedExit: 3, failedLine + "\n" + SkippedLine, Trx, dotnetExit: 3);

        Assert.Contains("tests: 1 passed, 2 failed, 1 skipped\n", output);
    }

    [Theory]
    [BuildScriptData(BuildScript.Bash)]
    [BuildScriptData(BuildScript.PowerShell)]
    public void Test_GpuVariant_BuiltAndItsGpuTestsRunAndCounted(BuildScript script)
    {
        string gpuLine = PassedLine.Replace("Passed:     3", "Passed:     2").Replace("A.Tests.dll", "MlNetFashion.Scoring.Tests.dll");

        string output = Test(script, expectedExit: 0, PassedLine, Trx.Replace("NotExecuted", "Passed"), gpuOutput: gpuLine);

        Assert.EndsWith("\ntests: 5 passed, 0 failed, 0 skipped\n", output);
        Assert.Contains(Calls, c => c.StartsWith("dotnet build tests/Scoring.Tests ", StringComparison.Ordinal)
            && c.Contains(" -p:OnnxRuntimeGpu=true ", StringComparison.Ordinal));
        Assert.Contains(Calls, c => c.StartsWith("dotnet test tests/Scoring.Tests ", StringComparison.Ordinal)
            && c.Contains(" -p:OnnxRuntimeGpu=true ", StringComparison.Ordinal) && c.Contains(" --no-build ", StringComparison.Ordinal)
            && c.Contains(" --filter Category=Gpu", StringComparison.Ordinal));
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
    public void Format_RestoresThenAppliesTheEditorconfigRules()
    {
        var (exit, _, error) = Verb(["format"]);

        Assert.True(exit == 0, error);
        Assert.Equal(["dotnet restore MlNetFashion.sln --nologo -v quiet", "dotnet format MlNetFashion.sln --no-restore -v quiet"], Calls);
    }

    [Theory]
    [BuildScriptData(BuildScript.Bash)]
    [BuildScriptData(BuildScript.PowerShell)]
    public void Test_DotnetFormatFindsDifferences_OneStyleLinePerFindingAfterTheBuildAndNoTests(BuildScript script)
    {
        // dotnet format reports a finding once per pass that sees it (code style, then analyzers).
        string naming = $"{Folder}/src/A.cs(12,17): warning IDE1006: Naming rule violation: Missing prefix: 's_' [{Folder}/src/A.csproj]";
        string whitespace = $"{Folder}/src/B.cs(3,1): error WHITESPACE: Fix whitespace formatting. [{Folder}/src/B.csproj]";
        string format = string.Join('\n', naming, whitespace, naming);

        string output = Test(script, expectedExit: 1, PassedLine, Trx, formatOutput: format);

        Assert.Equal(1, output.Split('\n').Count(l => l == "style: src/A.cs:12: IDE1006 Naming rule violation: Missing prefix: 's_'"));
        Assert.Contains("style: src/B.cs:3: WHITESPACE Fix whitespace formatting.\n", output);
        Assert.Contains($"style: ./{FileName(script)} format fixes what dotnet format can (git diff shows where)\n", output);
        int build = Array.FindIndex(Calls, c => c.StartsWith("dotnet build MlNetFashion.sln ", StringComparison.Ordinal));
        int check = Array.IndexOf(Calls, "dotnet format MlNetFashion.sln --verify-no-changes --no-restore -v quiet");
        Assert.True(build >= 0 && build < check, string.Join('\n', Calls));
        Assert.DoesNotContain(Calls, c => c.StartsWith("dotnet test ", StringComparison.Ordinal));
    }

    [Theory]
    [BuildScriptData(BuildScript.Bash)]
    [BuildScriptData(BuildScript.PowerShell)]
    public void TrainAndBench_Arguments_PassedToTheTrainingAppBuiltWithoutAnalyzers(BuildScript script)
    {
        foreach ((string verb, string args) in new[] { ("train", "--preset best"), ("bench", "--seconds 2 --json") })
        {
            var (exit, _, error) = Run(script, [verb, .. args.Split(' ')]);

            Assert.True(exit == 0, error);
            Assert.Equal($"dotnet run --project Training -c Release --no-restore --property:RunAnalyzers=false -- {verb} {args}",
                Calls[^1]);
        }
    }

    [Theory]
    [BuildScriptData(BuildScript.Bash)]
    [BuildScriptData(BuildScript.PowerShell)]
    public void Usage_UnknownVerb_Exit2WithTheUsageLineOnly(BuildScript script)
    {
        var (exit, output, error) = Run(script, ["deploy"]);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal($"usage: ./{FileName(script)} setup|build|test|format|pack|train [args]|bench [args]|publish [DIR] [args]\n", error);
    }

    private (int Exit, string Out, string Error) Verb(string[] args, Dictionary<string, string?>? environment = null) =>
        Run(BuildScript.Bash, args, environment);

    /// <summary>
    /// The test verb over the stand-in dotnet's <paramref name="output"/> and <paramref name="trx"/>: asserts the script's exit
    /// code and returns what it printed.
    /// </summary>
    private string Test(BuildScript script, int expectedExit, string output, string trx, bool allowSkips = false, int dotnetExit = 0,
        string gpuOutput = "", string formatOutput = "")
    {
        var (exit, printed, error) = Run(script, ["test"], new()
        {
            ["FAKE_OUTPUT"] = output, ["FAKE_TRX"] = trx, ["FAKE_EXIT"] = dotnetExit.ToString(), ["FAKE_GPU_OUTPUT"] = gpuOutput,
            ["FAKE_FORMAT_OUTPUT"] = formatOutput,
            ["MLNETFASHION_ALLOW_SKIPS"] = allowSkips ? "1" : null,
        });
        Assert.True(exit == expectedExit, $"exit code {exit}, expected {expectedExit}\n{printed}{error}");
        return printed;
    }

    /// <summary>The copy of <paramref name="script"/> with <paramref name="args"/>, the stand-ins first on PATH.</summary>
    private (int Exit, string Out, string Error) Run(BuildScript script, string[] args, Dictionary<string, string?>? environment = null)
    {
        environment ??= [];
        environment["PATH"] = Path.Combine(Folder, "bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        environment["REAL_DOTNET"] = RealDotnet();
        environment["CALLS"] = Path.Combine(Folder, "calls.log");
        environment["FASHION_MNIST_DIR"] = null;
        string path = Path.Combine(Folder, FileName(script));
        return script == BuildScript.Bash ? Shell.Run(path, args, environment) : Shell.Pwsh(path, args, environment);
    }

    private static string FileName(BuildScript script) => script == BuildScript.Bash ? "build.sh" : "build.ps1";

    private static string RealDotnet() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => Path.Combine(f, "dotnet")).FirstOrDefault(File.Exists) ?? "dotnet";

    private static void StandIn(string bin, string name, string body)
    {
        string path = Path.Combine(bin, name);
        File.WriteAllText(path, "#!/usr/bin/env bash\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
