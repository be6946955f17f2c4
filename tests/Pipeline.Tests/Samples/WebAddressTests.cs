using System.Text.RegularExpressions;

namespace MlNetFashion.Pipeline.Tests.Samples;

/// <summary>
/// The web addresses the product's files give (sources, scripts, docs, deploy files; tests use made-up ones on purpose)
/// are this machine's, documentation-only ones, or sites known to exist. The package's project address in
/// Directory.Build.props is a placeholder until the project has a public home, and the only one allowed there.
/// </summary>
public sealed partial class WebAddressTests
{
    private static readonly string[] KnownHosts =
    [
        "127.0.0.1", "localhost", "0.0.0.0",                   // this machine
        "fashion-mnist.s3-website.eu-central-1.amazonaws.com",  // the data set's official files
        "keepachangelog.com", "api.nuget.org", "www.w3.org", "schemas.microsoft.com",
    ];

    private const string Placeholder = "https://github.com/mlnetfashion/mlnetfashion";

    private static readonly HashSet<string> NotSources =
        ["bin", "obj", "artifacts", "TestResults", ".git", "BenchmarkDotNet.Artifacts", "tests", "node_modules"];

    [GeneratedRegex(@"https?://([A-Za-z0-9.-]+)[^\s""'<>)`]*")]
    private static partial Regex WebAddress();

    [Fact]
    public void ProductFiles_EveryWebAddress_IsLocalOrKnownToExist()
    {
        string root = TrainInPipelineTests.Root();
        var unknown = new List<string>();
        foreach (string file in Files(root))
        {
            string relative = Path.GetRelativePath(root, file);
            foreach (Match address in WebAddress().Matches(File.ReadAllText(file)))
            {
                if (KnownHosts.Contains(address.Groups[1].Value)) continue;
                if (relative == "Directory.Build.props" && address.Value == Placeholder) continue;
                unknown.Add($"{relative}: {address.Value}");
            }
        }
        Assert.True(unknown.Count == 0, "addresses not known to exist (use one that does, or none):\n" + string.Join('\n', unknown));
    }

    [Fact]
    public void WebAddress_TextWithAddresses_CapturesEachHost()
    {
        string[] hosts = [.. WebAddress().Matches("see (https://example.org/a/b), `http://127.0.0.1:5080/predict` and https?://x")
            .Select(m => m.Groups[1].Value)];

        Assert.Equal(["example.org", "127.0.0.1"], hosts);
    }

    /// <summary>Text files outside build output and tests (a file with a NUL byte in its first 8 KB is binary).</summary>
    private static IEnumerable<string> Files(string dir)
    {
        foreach (string file in Directory.GetFiles(dir))
        {
            using var stream = File.OpenRead(file);
            var head = new byte[8192];
            int read = stream.Read(head);
            if (Array.IndexOf(head, (byte)0, 0, read) < 0) yield return file;
        }
        foreach (string sub in Directory.GetDirectories(dir).Where(d => !NotSources.Contains(Path.GetFileName(d))))
            foreach (string file in Files(sub)) yield return file;
    }
}
