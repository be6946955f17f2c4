using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using MlNetFashion.Scoring.Classification;
using MlNetFashion.Tests.Shared;
using Xunit.Abstractions;

namespace MlNetFashion.Scoring.Tests.Packaging;

/// <summary>
/// A brand-new console app that takes MlNetFashion.Scoring as a NuGet package (packed from this build into a local
/// folder feed, not a project reference), predicts a sample image and reads it with ML.NET's MLImage, then is
/// published for linux-x64 the way a user ships it.
/// </summary>
public sealed class ConsumerPackageTests(ITestOutputHelper output) : TempFolderTests("scoring-consumer-")
{
    private const long MaxPublishBytes = 60L * 1024 * 1024;
    private static readonly string[] Packages =
    [
        "Pipeline/Engine/MlNetFashion.Engine.csproj", "Pipeline/MlNet/MlNetFashion.Pipeline.csproj",
        "Scoring/Library/MlNetFashion.Scoring.csproj",
    ];

    private const string Program = """
        using Microsoft.ML.Data;
        using MlNetFashion.Scoring.Classification;

        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: Consumer MODEL IMAGE");
            return 2;
        }
        using var classifier = FashionClassifier.Load(args[0]);
        Prediction p = classifier.Predict(args[1]);
        Console.WriteLine($"label {p.LabelIndex} {p.Label}");
        using MLImage image = MLImage.CreateFromFile(args[1]);
        Console.WriteLine($"mlimage {image.Width} {image.Height} {image.Pixels.Length}");
        return 0;
        """;

    [Fact]
    public void ConsumerApp_FromLocalPackages_PredictsAndPublishesLeanForLinuxX64()
    {
        string root = RepositoryRoot(out string configuration);
        string sample = Path.Combine(AppContext.BaseDirectory, "samples", "9-ankle-boot.png");
        string feed = Directory.CreateDirectory(Path.Combine(Folder, "feed")).FullName;
        string app = Directory.CreateDirectory(Path.Combine(Folder, "Consumer")).FullName;

        // A version of its own: nothing a user's NuGet cache already holds under 0.9.0 can stand in for this build.
        string version = $"{BuildVersion()}-consumer.{DateTime.UtcNow:yyyyMMddHHmmss}";
        foreach (string project in Packages)
        {
            Dotnet(root, "pack", Path.Combine(root, project), "-c", configuration, "--no-build", "-o", feed,
                $"-p:PackageVersion={version}");
        }
        Assert.True(File.Exists(Path.Combine(feed, $"MlNetFashion.Scoring.{version}.nupkg")), "MlNetFashion.Scoring was not packed");
        Assert.True(File.Exists(Path.Combine(feed, $"MlNetFashion.Scoring.{version}.snupkg")), "no symbols package");

        WriteConsumer(app, feed, version, OnnxRuntimeVersion(root));
        string expected = ExpectedLines(sample);
        Dotnet(app, "build", "-c", "Release");
        string built = Path.Combine(app, "bin", "Release", "net10.0", "Consumer.dll");
        Assert.Equal(expected, Dotnet(app, built, TrainedModel.Onnx, sample).Trim());

        string published = Path.Combine(Folder, "published");
        Dotnet(app, "publish", "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "-o", published);
        long bytes = new DirectoryInfo(published).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        output.WriteLine($"published for linux-x64: {bytes / 1024.0 / 1024.0:F1} MB ({bytes:N0} bytes) in {published}");
        Assert.True(bytes <= MaxPublishBytes, $"published folder is {bytes / 1024.0 / 1024.0:F1} MB, expected at most 60 MB");
        AssertOnlyLinuxX64Natives(published);
        Assert.Equal(["Microsoft.NETCore.App"], Frameworks(Path.Combine(published, "Consumer.runtimeconfig.json")));
        Assert.Equal(expected, Dotnet(published, Path.Combine(published, "Consumer.dll"), TrainedModel.Onnx, sample).Trim());
    }

    public override void Dispose()
    {
        try { base.Dispose(); }
        catch (IOException) { }
    }

    /// <summary>What the consumer must print: the library's own prediction, and MLImage's BGRA pixels (4 bytes each).</summary>
    private static string ExpectedLines(string sample)
    {
        using var classifier = FashionClassifier.Load(TrainedModel.Onnx);
        Prediction p = classifier.Predict(sample);
        using var bitmap = SkiaSharp.SKBitmap.Decode(sample);
        return $"label {p.LabelIndex} {p.Label}\nmlimage {bitmap.Width} {bitmap.Height} {bitmap.Width * bitmap.Height * 4}";
    }

    private static void WriteConsumer(string app, string feed, string version, string onnxRuntime)
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        // Its own packages folder (deleted with the test), falling back on the machine's cache for ML.NET and the rest,
        // so restore works offline and leaves no test version behind in the user's cache.
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{Path.Combine(app, "packages")}" /></config>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <fallbackPackageFolders><add key="machine" value="{cache}" /></fallbackPackageFolders>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), ConsoleProject.Csproj([
            ConsoleProject.PackageReference("MlNetFashion.Scoring", version),
            ConsoleProject.PackageReference("Microsoft.ML.OnnxRuntime", onnxRuntime)]));
        File.WriteAllText(Path.Combine(app, "Program.cs"), Program);
    }

    /// <summary>Every .dll is a managed assembly (no Windows natives), every native library is a Linux .so.</summary>
    private static void AssertOnlyLinuxX64Natives(string published)
    {
        Assert.False(Directory.Exists(Path.Combine(published, "runtimes")), "runtimes/ folder: natives for other platforms");
        foreach (string file in Directory.EnumerateFiles(published, "*", SearchOption.AllDirectories))
        {
            string name = Path.GetFileName(file);
            Assert.False(name.EndsWith(".dylib", StringComparison.Ordinal), $"{name}: a macOS library");
            if (!name.EndsWith(".dll", StringComparison.Ordinal)) continue;
            try
            {
                AssemblyName.GetAssemblyName(file);
            }
            catch (BadImageFormatException)
            {
                Assert.Fail($"{name}: a native Windows library in a linux-x64 publish");
            }
        }
        Assert.True(File.Exists(Path.Combine(published, "libonnxruntime.so")), "libonnxruntime.so missing");
        Assert.True(File.Exists(Path.Combine(published, "libSkiaSharp.so")), "libSkiaSharp.so missing");
    }

    private static string[] Frameworks(string runtimeConfig)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(runtimeConfig));
        JsonElement options = json.RootElement.GetProperty("runtimeOptions");
        IEnumerable<JsonElement> frameworks = options.TryGetProperty("frameworks", out JsonElement many)
            ? many.EnumerateArray()
            : [options.GetProperty("framework")];
        return [.. frameworks.Select(f => f.GetProperty("name").GetString()!)];
    }

    private static string BuildVersion()
    {
        var attribute = typeof(FashionClassifier).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!;
        return attribute.InformationalVersion.Split('+')[0];
    }

    private static string OnnxRuntimeVersion(string root)
    {
        string props = File.ReadAllText(Path.Combine(root, "Directory.Packages.props"));
        return Regex.Match(props, "Include=\"Microsoft\\.ML\\.OnnxRuntime\" Version=\"([^\"]+)\"").Groups[1].Value;
    }

    /// <summary>tests/Scoring.Tests/bin/CONFIG/net10.0 → the repository root and the configuration it was built in.</summary>
    private static string RepositoryRoot(out string configuration)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        configuration = directory.Parent!.Name;
        while (!File.Exists(Path.Combine(directory.FullName, "MlNetFashion.sln"))) directory = directory.Parent!;
        return directory.FullName;
    }

    /// <summary>Runs dotnet with the arguments in <paramref name="directory"/>; asserts exit 0 and returns stdout.</summary>
    private string Dotnet(string directory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (string a in args) info.ArgumentList.Add(a);
        // The test host runs under dotnet test's MSBuild: its variables would steer the child builds.
        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        string text = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(180_000), $"dotnet {string.Join(' ', args)}: no exit after 3 minutes");
        output.WriteLine($"dotnet {args[0]}: {clock.Elapsed.TotalSeconds:F0} s");
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} exited {process.ExitCode}:\n{text}\n{error.Result}");
        return text;
    }
}
