using System.IO.Compression;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Benchmarks.Tests;

/// <summary>
/// build.ps1's pack verb run by PowerShell 7 as a Windows user runs it, for real beside build.sh's, in a copy of the
/// sources. The verbs both scripts share are <see cref="BuildScriptTests"/>' theories.
/// </summary>
public sealed class PowerShellBuildScriptTests() : TempFolderTests("mlnetfashion-build-ps1-")
{
    [PwshFact]
    public void Pack_BuildShAndBuildPs1_TheSameThreeLibraryPackagesWithTheirSymbols()
    {
        // In a copy of the sources: pack compiles the libraries anew, which must not touch the build other tests use.
        string repository = Path.Combine(Folder, "repository");
        CopySources(Shell.Repository, repository);
        string packages = Path.Combine(repository, "artifacts", "packages");
        var (bashExit, bashOutput, bashError) = Shell.Run(Path.Combine(repository, "build.sh"), ["pack"]);
        Assert.True(bashExit == 0, bashOutput + bashError);
        Dictionary<string, string[]> bash = Contents(packages);

        var (exit, output, error) = Shell.Pwsh(Path.Combine(repository, "build.ps1"), ["pack"]);

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
}
