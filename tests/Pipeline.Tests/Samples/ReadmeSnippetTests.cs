using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Pipeline.Tests.Samples;

/// <summary>
/// Every ```csharp block in README.md is a whole program (top-level statements and types) that builds as pasted into a
/// console project referencing the repository's libraries, with warnings as errors.
/// </summary>
public sealed partial class ReadmeSnippetTests() : TempFolderTests("readme-snippets-")
{
    [GeneratedRegex(@"^```csharp\r?\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    internal static IReadOnlyList<string> CSharpBlocks(string markdown) =>
        [.. CSharpBlock().Matches(markdown).Select(m => m.Groups[1].Value)];

    [Fact]
    public void CSharpBlocks_MarkdownWithTwoBlocksAndOthers_ReturnsTheCSharpOnesInOrder()
    {
        const string markdown = "text\n```csharp\nA();\n```\n```bash\nls\n```\n```csharp\nB();\nC();\n```\n";

        Assert.Equal(["A();\n", "B();\nC();\n"], CSharpBlocks(markdown));
    }

    [Fact]
    public async Task Readme_EveryCSharpBlock_BuildsAsAConsoleProgram()
    {
        string root = TrainInPipelineTests.Root();
        IReadOnlyList<string> blocks = CSharpBlocks(File.ReadAllText(Path.Combine(root, "README.md")));
        Assert.True(blocks.Count >= 3, $"README.md: expected the scoring, ML.NET and training blocks, found {blocks.Count}");

        var solution = new StringBuilder("<Solution>\n");
        for (int i = 0; i < blocks.Count; i++)
        {
            string name = $"readme-block-{i + 1}";
            string folder = Directory.CreateDirectory(Path.Combine(Folder, name)).FullName;
            File.WriteAllText(Path.Combine(folder, "Program.cs"), blocks[i]);
            File.WriteAllText(Path.Combine(folder, name + ".csproj"), Project(root));
            solution.Append($"  <Project Path=\"{name}/{name}.csproj\" />\n");
        }
        File.WriteAllText(Path.Combine(Folder, "readme.slnx"), solution.Append("</Solution>\n").ToString());

        (int exitCode, string output) = await BuildAsync(Path.Combine(Folder, "readme.slnx"));

        var errors = string.Join('\n', output.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct());
        Assert.True(exitCode == 0, $"README.md's csharp blocks (readme-block-N is the N-th) do not build:\n{errors}\n\n{output}");
    }

    /// <summary>A console project as a user writes one: the repository's rules (nullable, warnings as errors), its libraries.</summary>
    private static string Project(string root)
    {
        string scoring = Path.Combine(root, "Scoring", "Library", "MlNetFashion.Scoring.csproj");
        string pipeline = Path.Combine(root, "Pipeline", "MlNet", "MlNetFashion.Pipeline.csproj");
        return ConsoleProject.Csproj([ConsoleProject.ProjectReference(pipeline), ConsoleProject.ProjectReference(scoring)],
            warningsAsErrors: true);
    }

    /// <summary>dotnet build in this run's configuration (the referenced projects are then up to date); no build servers stay.</summary>
    private static async Task<(int ExitCode, string Output)> BuildAsync(string solution)
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "build", solution, "-c", configuration, "--nologo", "-v", "q", "--disable-build-servers" })
            info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(300_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet build of README.md's csharp blocks did not finish in 5 minutes:\n{output}");
        }
        return (process.ExitCode, output + await error);
    }
}
