using System.Globalization;
using System.Text.RegularExpressions;
using MlNetFashion.Tests.Shared;

namespace MlNetFashion.Training.Tests.Commands;

public sealed partial class CvCommandTests() : TempFolderTests("cv-cli-")
{
    [Fact]
    public void Cv_TwoFolds_PrintsEachFoldTheMeanAndWritesTheBoxPlot()
    {
        string output = Cli.RunOk("cv", "--folds", "2", "--preset", "seed000", "--epochs", "2", "--batch-size", "100",
            "--limit-train", "2000", "--out", Folder);

        double[] folds = [.. FoldLine().Matches(output).Select(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))];
        Assert.Equal(2, folds.Length);
        // Each fold is a fresh model scored on 1,000 images it never saw: clearly better than chance (10 %).
        Assert.All(folds, a => Assert.InRange(a, 40, 100));
        Match summary = SummaryLine().Match(output);
        Assert.True(summary.Success, output);
        Assert.Equal(folds.Average(), double.Parse(summary.Groups[1].Value, CultureInfo.InvariantCulture), 1);
        byte[] png = File.ReadAllBytes(Path.Combine(Folder, "cv-boxplot.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    [Theory]
    [InlineData("--batch-size")]
    [InlineData("--lr")]
    [InlineData("--seed")]
    [InlineData("--optimizer")]
    public void Help_RecipeOptionSharedWithTrain_DescribedAsTrainDescribesIt(string option)
    {
        string cv = HelpLine(Cli.RunOk("cv", "--help"), option);

        Assert.Equal(HelpLine(Cli.RunOk("train", "--help"), option), cv);
        Assert.Contains("default: ", cv, StringComparison.Ordinal);
    }

    /// <summary>The option's help line with its padding folded (each verb pads to its own longest option).</summary>
    private static string HelpLine(string help, string option) => Regex.Replace(
        help.Split('\n').Single(l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal)).Trim(), @"\s+", " ");

    [Fact]
    public void Cv_OneFold_IsOneClearErrorLine()
    {
        var (exit, _, error) = Cli.Run("cv", "--folds", "1", "--out", Folder);

        Assert.NotEqual(0, exit);
        Assert.Equal("error: --folds: expected at least 2, received 1", error.Trim());
    }

    [Fact]
    public void Cv_ValidationFraction_HoldsOutPartOfEachFoldsTrainingImages()
    {
        string output = Cli.RunOk("cv", "--folds", "2", "--preset", "seed000", "--epochs", "1", "--limit-train", "600",
            "--optimizer", "sgd", "--validation-fraction", "0.2", "--out", Folder);

        // Each fold's epoch line reports the hold-out; without the option (default 0) there is none.
        Assert.Equal(2, output.Split('\n').Count(l => l.StartsWith("epoch 1/1 ", StringComparison.Ordinal)
            && l.Contains("val_acc", StringComparison.Ordinal)));
    }

    [Fact]
    public void Cv_SmallDataSetWithoutEpochs_SaysOnceThatEachFoldTrainsTheMinimumSteps()
    {
        // 40 images, 20 a fold: the batch is all of them, an epoch one step.
        string output = Cli.RunOk("cv", "--folds", "2", "--preset", "article-2x2conv", "--limit-train", "40", "--out", Folder);

        string[] notices = [.. output.Split('\n').Where(l => l.Contains(" epochs instead of the preset's ", StringComparison.Ordinal))];
        Assert.Single(notices);
        Assert.EndsWith("500 epochs instead of the preset's 10: an epoch here is 1 step, and a small data set trains for at least "
            + "500 steps (--epochs N sets the epochs)", notices[0].TrimEnd());
        Assert.Equal(2, output.Split('\n').Count(l => l.Contains("epoch 500/500 ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Cv_UnknownOptimizer_IsOneClearErrorLine()
    {
        Assert.Equal("error: --optimizer: expected adam, adamw or sgd, received \"rmsprop\" (see 'cv --help')",
            Cli.Refusal("cv", "--folds", "2", "--optimizer", "rmsprop", "--out", Folder));
    }

    [Theory]
    [InlineData("SGD")]
    [InlineData("AdamW")]
    public void Cv_OptimizerInAnyCase_IsAccepted(string optimizer)
    {
        // --folds 1 is refused after the options are parsed: the optimizer got through the parser.
        Assert.Equal("error: --folds: expected at least 2, received 1",
            Cli.Refusal("cv", "--folds", "1", "--optimizer", optimizer, "--out", Folder));
    }

    [Fact]
    public async Task Cv_InterruptedWithSigint_Exits130SayingNothingWasWritten()
    {
        // It said "error: The operation was canceled." and exited 1.
        using var process = ChildProcess.StartInterruptible("cv", "--folds", "2", "--preset", "seed004", "--epochs", "30", "--limit-train",
            "2000", "--threads", "2", "--out", Folder);
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null
            && !line.StartsWith("epoch 1/30 ", StringComparison.Ordinal)) { }
        Assert.NotNull(line);
        Assert.False(process.HasExited, "cv finished before the signal was sent");
        using (var kill = System.Diagnostics.Process.Start("kill",
            ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "cv did not stop after SIGINT");

        Assert.Equal(130, process.ExitCode);
        Assert.Contains("interrupted: cross-validation stopped after the current batch; no box plot was written", await stderr);
        Assert.False(File.Exists(Path.Combine(Folder, "cv-boxplot.png")));
    }

    [GeneratedRegex(@"fold (\d): ([0-9.]+) %")]
    private static partial Regex FoldLine();

    [GeneratedRegex(@"accuracy ([0-9.]+) % ± ([0-9.]+) % over 2 folds")]
    private static partial Regex SummaryLine();
}
