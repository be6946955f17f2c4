using MlNetFashion.Scoring.Classification;
using MlNetFashion.Scoring.Tests.Classification;
using MlNetFashion.Scoring.Tests.Deploy;

namespace MlNetFashion.Scoring.Tests.Commands;

/// <summary>predict --idx … --out FILE [--resume]: the command line of streaming batch scoring.</summary>
public sealed class PredictToFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("predict-out-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [PosixSignalsFact]
    public void Predict_KilledMidRunThenResumed_EveryImageOnceInOrder()
    {
        const int count = 60_000;
        string idx = StreamingScorerTests.WriteIdx(_dir, count, gzip: false), output = Path.Combine(_dir, "predictions.jsonl");
        string[] args = [ServeProcess.AppDll, "predict", "--model", TrainedModel.Onnx, "--idx", idx, "--out", output];
        using (var run = ServeProcess.Start("dotnet", args))
        {
            // Killed once the first chunk is on disk, as a crash or the OOM killer would.
            while (!run.Process.HasExited && (!File.Exists(output) || new FileInfo(output).Length == 0)) Thread.Sleep(20);
            Assert.False(run.Process.HasExited, $"the run finished before it could be killed: {string.Join(" | ", run.Lines)}");
            run.Kill();
            run.Process.WaitForExit();
        }
        int before = File.ReadLines(output).Count();
        Assert.InRange(before, 1, count - 1);

        var (exit, text, error) = Cli.Run("predict", "--model", TrainedModel.Onnx, "--idx", idx, "--out", output, "--resume");

        Assert.True(exit == 0, error);
        var rows = StreamingScorerTests.Rows(output);
        Assert.Equal(Enumerable.Range(0, count), rows.Select(r => r.Index));
        using var scorer = BatchScorer.Load(TrainedModel.Onnx);
        string once = Directory.CreateDirectory(Path.Combine(_dir, "once")).FullName;
        int[] expected = scorer.ScoreIdx(StreamingScorerTests.WriteIdx(once, TrainedModel.Test.Count, gzip: false), null).Predicted;
        Assert.Equal(rows.Select(r => expected[r.Index % expected.Length]), rows.Select(r => r.LabelIndex));
        Assert.Contains($"{output}: 60,000 rows (", text);
        Assert.Contains(" kept from before, ", text);
    }

    [Theory]
    [InlineData("exists", "already exists; continue it with --resume, or remove it")]
    [InlineData("bad-extension", "expected a .csv or .jsonl file name")]
    [InlineData("without-idx", "--out requires --idx")]
    [InlineData("resume-without-out", "--resume requires --out")]
    public void Predict_BadOutUse_OneErrorLine(string name, string expected)
    {
        string idx = StreamingScorerTests.WriteIdx(_dir, 10, gzip: false), existing = Path.Combine(_dir, "old.csv");
        File.WriteAllText(existing, "kept");
        string[] args = name switch
        {
            "exists" => ["predict", "--model", TrainedModel.Onnx, "--idx", idx, "--out", existing],
            "bad-extension" => ["predict", "--model", TrainedModel.Onnx, "--idx", idx, "--out", Path.Combine(_dir, "p.txt")],
            "without-idx" => ["predict", "--model", TrainedModel.Onnx, "--out", Path.Combine(_dir, "p.csv")],
            _ => ["predict", "--model", TrainedModel.Onnx, "--idx", idx, "--resume"],
        };
        var (exit, _, error) = Cli.Run(args);
        Assert.Equal(1, exit);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, error);
        Assert.Equal("kept", File.ReadAllText(existing));
    }
}
