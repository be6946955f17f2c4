using MlNetFashion.Engine.Checkpoints;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Training.Tests.Commands;

/// <summary>
/// Training is killed with SIGKILL in the middle of an epoch, then resumed with --resume: the run ends with exactly
/// the weights of an uninterrupted run with the same seed.
/// </summary>
public sealed class CrashRecoveryTests() : TempFolderTests("crash-")
{
    [Fact]
    public async Task Train_InterruptedWithSigint_SavesMidEpochAndResumesToTheUninterruptedWeights()
    {
        string reference = Path.Combine(Folder, "reference"), interrupted = Path.Combine(Folder, "interrupted");
        var (exit, output) = ChildProcess.RunTrainingApp(Args(reference));
        Assert.True(exit == 0, output);

        using (var process = ChildProcess.StartInterruptible(Args(interrupted)))
        {
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            string last = Path.Combine(interrupted, "checkpoints", "last.ckpt");
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(last) && !process.HasExited && waited.Elapsed < TimeSpan.FromMinutes(3)) Thread.Sleep(20);
            Thread.Sleep(300);
            // Otherwise the exit code below would say 0 without saying why.
            Assert.False(process.HasExited, "training finished before the signal was sent");
            using (var kill = System.Diagnostics.Process.Start("kill",
                ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
            Assert.True(process.WaitForExit(60_000), "training did not stop after SIGINT");
            Assert.Equal(130, process.ExitCode);
            Assert.Contains("train --resume --out", await stderr);
        }
        var saved = CheckpointFile.Read(Path.Combine(interrupted, "checkpoints", "last.ckpt")).Header;
        Assert.NotNull(saved.Interrupted);
        Assert.False(File.Exists(Path.Combine(interrupted, "model.zip")));

        (exit, output) = ChildProcess.RunTrainingApp(Args(interrupted, "--resume"));
        Assert.True(exit == 0, output);
        var expected = CheckpointFile.Read(Path.Combine(reference, "checkpoints", "last.ckpt")).Weights;
        var actual = CheckpointFile.Read(Path.Combine(interrupted, "checkpoints", "last.ckpt")).Weights;
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], actual[i]);
    }

    // 8 epochs of ~0.9 s on a fast pair: the signal must land before training ends. With 3, the ~1.7 s left after the
    // first checkpoint was once too short on a loaded CI machine (SIGINT arrived during export: exit 0).
    private const int Epochs = 8;

    private static string[] Args(string outDir, params string[] more) =>
        ["train", "--preset", "seed004", "--epochs", $"{Epochs}", "--limit-train", "4000", "--limit-test", "500", "--seed", "5",
            "--threads", "2", "--out", outDir, .. more];

    [Fact]
    public void Train_KilledMidEpochThenResumed_EndsWithTheUninterruptedWeights()
    {
        string reference = Path.Combine(Folder, "reference"), crashed = Path.Combine(Folder, "crashed");
        var (exit, output) = ChildProcess.RunTrainingApp(Args(reference));
        Assert.True(exit == 0, output);

        using (var process = ChildProcess.Start(Args(crashed)))
        {
            string last = Path.Combine(crashed, "checkpoints", "last.ckpt");
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(last) && !process.HasExited && waited.Elapsed < TimeSpan.FromMinutes(3)) Thread.Sleep(20);
            Assert.True(File.Exists(last), "no checkpoint appeared after epoch 1");
            Thread.Sleep(300); // into epoch 2
            process.Kill(entireProcessTree: true); // SIGKILL: no chance to clean up
            process.WaitForExit();
        }
        Assert.False(File.Exists(Path.Combine(crashed, "model.zip")), "a killed run must not leave a model");
        Assert.Equal(1, CheckpointFile.Read(Path.Combine(crashed, "checkpoints", "last.ckpt")).Header.Epoch);

        (exit, output) = ChildProcess.RunTrainingApp(Args(crashed, "--resume"));
        Assert.True(exit == 0, output);
        var expected = CheckpointFile.Read(Path.Combine(reference, "checkpoints", "last.ckpt"));
        var actual = CheckpointFile.Read(Path.Combine(crashed, "checkpoints", "last.ckpt"));
        Assert.Equal(Epochs, actual.Header.Epoch);
        Assert.Equal(expected.Weights.Count, actual.Weights.Count);
        for (int i = 0; i < expected.Weights.Count; i++) Assert.Equal(expected.Weights[i], actual.Weights[i]);
        Assert.Equal(File.ReadAllText(Path.Combine(reference, "metrics.json")).Split("\"testAccuracy\"")[1][..12],
            File.ReadAllText(Path.Combine(crashed, "metrics.json")).Split("\"testAccuracy\"")[1][..12]);
    }
}
