using System.IO.Compression;
using System.Runtime.Versioning;
using static MlNetFashion.Benchmarks.Tests.BuildScriptTests;

namespace MlNetFashion.Benchmarks.Tests;

/// <summary>
/// build.ps1 run by PowerShell 7 as a Windows user runs it: its usage verb; its pack verb for real beside build.sh's,
/// in a copy of the sources; its test verb (the same closing line, skip listing and GPU variant as build.sh's) from a
/// copy beside a stand-in dotnet, as in <see cref="BuildScriptTests"/>.
/// </summary>
[UnsupportedOSPlatform("windows")] // the stand-in dotnet is a bash script
public sealed class PowerShellBuildScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetfashion-build-ps1-").FullName;

    public PowerShellBuildScriptTests()
    {
        File.Copy(Path.Combine(Shell.Repository, "build.ps1"), Path.Combine(_dir, "build.ps1"));
        string bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        string path = Path.Combine(bin, "dotnet");
        // pwsh installed as a .NET tool starts itself as `dotnet pwsh.dll` through PATH: that call goes to the real dotnet.
        File.WriteAllText(path, """
            #!/usr/bin/env bash
            case "$1" in *.dll) exec "$REAL_DOTNET" "$@" ;; esac
            printf '%s\n' "$*" >> "$CALLS"
            [ "$1" = test ] || exit 0
            case "$*" in *Category=Gpu*) printf '%s\n' "$FAKE_GPU_OUTPUT"; exit 0 ;; esac
            while [ $# -gt 0 ]; do [ "$1" = --results-directory ] && dir=$2; shift; done
            mkdir -p "$dir" && printf '%s' "$FAKE_TRX" > "$dir/run.trx"
            printf '%s\n' "$FAKE_OUTPUT"
            exit "$FAKE_EXIT"

            """);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [PwshFact]
    public void Usage_UnknownVerb_Exit2WithTheUsageLineOnly()
    {
        var (exit, output, error) = Pwsh(Path.Combine(Shell.Repository, "build.ps1"), ["deploy"]);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal("usage: ./build.ps1 setup|build|test|format|pack|train [args]|bench [args]|publish [DIR] [args]\n", error);
    }

    [PwshFact]
    public void Pack_BuildShAndBuildPs1_TheSameThreeLibraryPackagesWithTheirSymbols()
    {
        // In a copy of the sources: pack compiles the libraries anew, which must not touch the build other tests use.
        string repository = Path.Combine(_dir, "repository");
        CopySources(Shell.Repository, repository);
        string packages = Path.Combine(repository, "artifacts", "packages");
        var (bashExit, bashOutput, bashError) = Shell.Run(Path.Combine(repository, "build.sh"), ["pack"]);
        Assert.True(bashExit == 0, bashOutput + bashError);
        Dictionary<string, string[]> bash = Contents(packages);

        var (exit, output, error) = Pwsh(Path.Combine(repository, "build.ps1"), ["pack"]);

        Assert.True(exit == 0, output + error);
        Dictionary<string, string[]> powerShell = Contents(packages);
        foreach (string library in new[] { "Engine", "Pipeline", "Scoring" })
            foreach (string kind in new[] { ".nupkg", ".snupkg" })
                Assert.Single(powerShell.Keys, f => f.StartsWith($"MlNetFashion.{library}.", StringComparison.Ordinal) && f.EndsWith(kind));
        Assert.Equal(6, powerShell.Count);
        Assert.Equal(bash.Keys.Order(), powerShell.Keys.Order());
        foreach (var (package, entries) in bash) Assert.Equal(entries, powerShell[package]);
    }

    private static readonly HashSet<string> NotSources = ["bin", "obj", "artifacts", "TestResults", ".git", "BenchmarkDotNet.Artifacts"];

    private static void CopySources(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string dir in Directory.GetDirectories(from).Where(d => !NotSources.Contains(Path.GetFileName(d))))
            CopySources(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    /// <summary>Package file → its entries with their CRC-32, but for the package's random-named core properties.</summary>
    private static Dictionary<string, string[]> Contents(string folder) =>
        Directory.GetFiles(folder, "MlNetFashion.*").ToDictionary(f => Path.GetFileName(f), f =>
        {
            using ZipArchive zip = ZipFile.OpenRead(f);
            return zip.Entries.Where(e => !e.FullName.EndsWith(".psmdcp", StringComparison.Ordinal) && e.FullName != "_rels/.rels")
                .Select(e => $"{e.FullName} {e.Crc32:x8}").Order(StringComparer.Ordinal).ToArray();
        });

    [PwshFact]
    public void Test_ATestSkipped_FailsNamingTheTestAndItsReason()
    {
        var (exit, output, _) = Test(PassedLine + "\n" + SkippedLine, Trx);

        Assert.Equal(1, exit);
        Assert.Contains("tests: 3 passed, 0 failed, 1 skipped\n", output);
        Assert.Contains("tests: a skipped test fails the run (MLNETFASHION_ALLOW_SKIPS=1 allows skips):\n", output);
        Assert.EndsWith("\n" + SkippedListing + "\n", output);
    }

    [PwshFact]
    public void Test_ATestSkippedWithAllowSkips_PassesNamingTheTest()
    {
        var (exit, output, _) = Test(PassedLine + "\n" + SkippedLine, Trx, allowSkips: true);

        Assert.Equal(0, exit);
        Assert.Contains("tests: skips allowed (MLNETFASHION_ALLOW_SKIPS=1):\n" + SkippedListing + "\n", output);
    }

    [PwshFact]
    public void Test_NothingSkipped_PassesWithTheClosingLineLast()
    {
        var (exit, output, _) = Test(PassedLine, Trx.Replace("NotExecuted", "Passed"));

        Assert.Equal(0, exit);
        Assert.EndsWith("\ntests: 3 passed, 0 failed, 0 skipped\n", output);
    }

    [PwshFact]
    public void Test_AFailureAndASkip_KeepsDotnetTestsExitCode()
    {
        string failedLine = PassedLine.Replace("Passed!  - Failed:     0, Passed:     3", "Failed!  - Failed:     2, Passed:     1");
        var (exit, output, _) = Test(failedLine + "\n" + SkippedLine, Trx, dotnetExit: 3);

        Assert.Equal(3, exit);
        Assert.Contains("tests: 1 passed, 2 failed, 1 skipped\n", output);
    }

    [PwshFact]
    public void Test_GpuVariant_BuiltAndItsGpuTestsRunAndCounted()
    {
        string gpuLine = PassedLine.Replace("Passed:     3", "Passed:     2").Replace("A.Tests.dll", "MlNetFashion.Scoring.Tests.dll");

        var (exit, output, _) = Test(PassedLine, Trx.Replace("NotExecuted", "Passed"), gpuOutput: gpuLine);

        Assert.Equal(0, exit);
        Assert.EndsWith("\ntests: 5 passed, 0 failed, 0 skipped\n", output);
        string[] calls = File.ReadAllLines(Path.Combine(_dir, "calls.log"));
        Assert.Contains(calls, c => c.StartsWith("build tests/Scoring.Tests ", StringComparison.Ordinal)
            && c.Contains(" -p:OnnxRuntimeGpu=true ", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.StartsWith("test tests/Scoring.Tests --no-build --filter Category=Gpu ", StringComparison.Ordinal)
            && c.Contains(" -p:OnnxRuntimeGpu=true ", StringComparison.Ordinal));
    }

    private (int Exit, string Out, string Error) Test(
        string output, string trx, bool allowSkips = false, int dotnetExit = 0, string gpuOutput = "") =>
        Pwsh(Path.Combine(_dir, "build.ps1"), ["test"], new Dictionary<string, string?>
        {
            ["PATH"] = Path.Combine(_dir, "bin") + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["REAL_DOTNET"] = RealDotnet(), ["CALLS"] = Path.Combine(_dir, "calls.log"),
            ["FAKE_OUTPUT"] = output, ["FAKE_TRX"] = trx, ["FAKE_EXIT"] = dotnetExit.ToString(), ["FAKE_GPU_OUTPUT"] = gpuOutput,
            ["MLNETFASHION_ALLOW_SKIPS"] = allowSkips ? "1" : null,
            ["FASHION_MNIST_DIR"] = null,
        });

    private static (int Exit, string Out, string Error) Pwsh(
        string script, IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? environment = null) =>
        Shell.Execute(PwshFactAttribute.Pwsh!, ["-NoProfile", "-NonInteractive", "-File", script, .. args], environment);

    private static string RealDotnet() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => Path.Combine(f, "dotnet")).First(File.Exists);
}
