using MlNetFashion.Benchmarks.Operations;
using MlNetFashion.Engine.Models;
using MlNetFashion.Engine.Onnx;
using MlNetFashion.Engine.Tensors;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Benchmarks.Tests.Operations;

/// <summary>batch-scoring at a small N: the scoring app run as processes, its streamed file killed and resumed.</summary>
public sealed class BatchScoringBenchmarkTests() : TempFolderTests("batch-scoring-bench-")
{
    /// <summary>An untrained small network: the benchmark measures the path, not the accuracy.</summary>
    public static string SmallModel(string dir)
    {
        Sequential model = Presets.Get("seed004").CreateModel();
        model.Build(8, new EngineRandom(3));
        string path = Path.Combine(dir, "model.onnx");
        File.WriteAllBytes(path, OnnxExporter.Export(model, new OnnxExportOptions()));
        return path;
    }

    [PosixSignalsFact]
    public void Run_FewChunksWithKillResume_TableWithBothPathsAndAResumeWithoutRepeatsOrGaps()
    {
        // Five chunks of the streamed path (8,192 images each), so the kill lands mid-run.
        const int images = 40_000;
        var output = new StringWriter();
        string work = Path.Combine(Folder, "work");

        BatchScoringBenchmark.Result r = BatchScoringBenchmark.Run(
            new BatchScoringBenchmark.Options(SmallModel(Folder), images, KillResume: true, WorkDir: work), output);

        Assert.Equal(images, r.Images);
        Assert.Equal(0, r.Streamed.ExitCode);
        Assert.InRange(r.Streamed.PeakRssBytes, 1, BatchScoringBenchmark.PeakGoalBytes);
        Assert.True(r.InMemory.PeakRssBytes > 0);
        Assert.NotNull(r.Resume);
        Assert.InRange(r.Resume.RowsAtKill, 1, images - 1);
        Assert.Equal(new BatchScoringBenchmark.ResumeCheck(r.Resume.RowsAtKill, images, 0, 0, 0), r.Resume);
        Assert.Equal(images + 1, File.ReadLines(Path.Combine(work, "resumed.csv")).Count());
        string text = output.ToString();
        Assert.Contains($"CPU: {MeasuredRun.CpuModelName()}", text);
        Assert.Contains("| predict --idx --out FILE.csv (streamed) |", text);
        Assert.Contains("| predict --idx (in memory) |", text);
        Assert.Contains("| streamed / in memory |", text);
        Assert.Contains("40,000 rows, 0 repeated, 0 missing, 0 labels unlike the uninterrupted run: met |", text);
    }

    [Fact]
    public void Cli_NoModel_OneErrorLine()
    {
        var (exit, _, error) = Cli.Run("batch-scoring", "--images", "10");
        Assert.Equal(1, exit);
        Assert.Equal("error: batch-scoring: --model FILE is required", error.Trim());
    }
}
