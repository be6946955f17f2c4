using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML;
using MlNetFashion.Benchmarks.Operations;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Pipeline.Tests.Samples;

/// <summary>The README's training-pipeline code is samples/TrainInPipeline's, and that sample runs as a user would run it.</summary>
public sealed class TrainInPipelineTests() : TempFolderTests("sample-")
{
    internal static string Root() => BuiltApp.RepositoryRoot();

    /// <summary>The sample as the solution built it, in this test run's configuration.</summary>
    private static string App()
    {
        string app = BuiltApp.Dll(Path.Combine("samples", "TrainInPipeline"), "TrainInPipeline.dll");
        Assert.True(File.Exists(app), $"build the solution first: {app} not found");
        return app;
    }

    [Fact]
    public void Readme_TrainingPipelineCode_IsTheSamplesCodeLineForLine()
    {
        string readme = File.ReadAllText(Path.Combine(Root(), "README.md"));
        int heading = readme.IndexOf("Training inside your own ML.NET pipeline", StringComparison.Ordinal);
        Assert.True(heading >= 0, "README: the training-pipeline section is gone");
        int start = readme.IndexOf("```csharp\n", heading, StringComparison.Ordinal) + "```csharp\n".Length;
        string[] snippet = Lines(readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)]);
        string[] program = Lines(File.ReadAllText(Path.Combine(Root(), "samples", "TrainInPipeline", "Program.cs")));

        // Every README line, in order, in the sample (which adds argument checks and error handling around them).
        int next = 0;
        foreach (string line in snippet)
        {
            int found = Array.IndexOf(program, line, next);
            Assert.True(found >= 0, $"README line not in samples/TrainInPipeline/Program.cs (in this order): {line}");
            next = found + 1;
        }
        Assert.True(snippet.Length >= 15, $"README snippet has only {snippet.Length} lines");
    }

    private static string[] Lines(string text) => [.. text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];

    [Fact]
    public async Task Sample_OneEpochOnTwoThousandImages_PrintsTestAccuracyAndSavesALoadableModel()
    {
        string app = App();
        string model = Path.Combine(Folder, "model.zip");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { app, "1", "2000", model }) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(180_000), "the sample did not finish in 3 minutes");
        Assert.True(process.ExitCode == 0, output + await error);

        Assert.Single(output.Split('\n'), l => l.StartsWith("epoch ", StringComparison.Ordinal));
        Match accuracy = Regex.Match(output, @"test accuracy (\d+\.\d+) %");
        Assert.True(accuracy.Success, output);
        Assert.True(double.Parse(accuracy.Groups[1].Value, CultureInfo.InvariantCulture) >= 55, output);
        ITransformer loaded = new MLContext().Model.Load(model, out DataViewSchema schema);
        Assert.NotNull(schema.GetColumnOrNull("Pixels"));
        Assert.NotNull(loaded.GetOutputSchema(schema).GetColumnOrNull("PredictedLabel"));
    }

    [Fact]
    public void Sample_NonNumericEpochs_PrintsUsageAndExitsTwo()
    {
        string app = App();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { app, "ten" }) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000));
        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith("usage: TrainInPipeline", error);
    }
}
