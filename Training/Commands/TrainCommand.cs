using System.CommandLine;
using MlNetFashion.CommandLine;
using MlNetFashion.Engine.Models;
using MlNetFashion.Pipeline.Reporting;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Training.Terminal;

namespace MlNetFashion.Training.Commands;

/// <summary>train: IDX files → trained, evaluated, exported model and report in --out.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var net = new NetOptions();
        var epochs = new Option<int?>("--epochs")
        {
            Description = "Epochs (default: the preset's; from scratch on a small data set, enough for 500 optimizer steps).",
        };
        var batch = CommonOptions.BatchSize();
        var lr = CommonOptions.LearningRate();
        var optimizer = CommonOptions.Optimizer();
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var validation = new Option<float?>("--validation-fraction")
        {
            Description = "Stratified hold-out for validation, 0 for none (default: the preset's: 0 for "
                + string.Join(", ", Presets.All.Where(p => p.Defaults.ValidationFraction == 0).Select(p => p.Name)) + ", else 0.1).",
        };
        var limitTrain = new Option<int?>("--limit-train") { Description = "Use only the first N training images." };
        var limitTest = new Option<int?>("--limit-test") { Description = "Use only the first N test images." };
        var dataDir = CommonOptions.DataDir();
        var output = CommonOptions.RefuseBlankFolder(
            new Option<string>("--out") { Description = "Output folder.", DefaultValueFactory = _ => "artifacts" });
        var resume = new Option<bool>("--resume") { Description = "Continue from --out/checkpoints/last.ckpt." };
        var folder = new ImageFolderOptions();
        var command = new Command("train",
            "Train a CNN on Fashion-MNIST (or --images DIR); write model.zip, model.onnx, metrics.json, history.csv, report.html.")
        {
            net.Preset, net.ModelSpec, epochs, batch, lr, optimizer, seed, threads, validation, limitTrain, limitTest, dataDir, output,
            resume,
        };
        foreach (Option option in folder.All) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var (preset, spec) = net.Read(parse);
            var options = new TrainingRunOptions
            {
                Preset = preset, ModelSpec = spec,
                Epochs = parse.GetValue(epochs), BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(lr),
                Optimizer = parse.GetValue(optimizer), Seed = parse.GetValue(seed), Threads = parse.GetValue(threads),
                ValidationFraction = parse.GetValue(validation), LimitTrain = parse.GetValue(limitTrain),
                LimitTest = parse.GetValue(limitTest),
                DataDir = parse.GetValue(dataDir), OutputDirectory = parse.GetValue(output)!, Resume = parse.GetValue(resume),
                InitFrom = parse.GetValue(folder.InitFrom), FreezeEpochs = parse.GetValue(folder.FreezeEpochs),
            };
            if (parse.GetValue(folder.Images) is { } images)
                return ImageFolderTraining.Run(options, images, parse.GetValue(folder.TestImages), parse.GetValue(folder.TestFraction),
                    folder.ReadBadImagePolicy(parse));
            ImageFolderTraining.RefuseWithoutImages(parse.GetValue(folder.TestImages), parse.GetValue(folder.TestFraction),
                parse.GetValue(folder.OnBadImage));
            return Run(options);
        });
        return command;
    }

    private static int Run(TrainingRunOptions options) => Run(options, (progress, token) => TrainingRun.Execute(options, progress, token));

    /// <summary>Runs a training with the terminal's progress display, Ctrl+C handling and summary.</summary>
    internal static int Run(TrainingRunOptions options, Func<ITrainingProgress, CancellationToken, TrainingRunSummary> execute)
    {
        options.Validate();
        using var interrupt = new InterruptHandler();
        ITrainingProgress progress = TrainingDisplay.Create();
        try
        {
            var summary = execute(progress, interrupt.Token);
            TrainingDisplay.PrintSummary(summary, options.OutputDirectory);
            return 0;
        }
        catch (InterruptedAfterTrainingException e)
        {
            string weights = Path.Combine(options.OutputDirectory, "checkpoints");
            System.Console.Error.WriteLine(
                $"interrupted while {e.Stage}, after training had finished (epoch {e.Epochs}): no model or report was written; " +
                $"the weights are in {weights}; evaluate and export them with: {ResumeCommand(options)}");
            return 130;
        }
        catch (ArtifactsNotWrittenException e)
        {
            string weights = Path.Combine(options.OutputDirectory, "checkpoints");
            System.Console.Error.WriteLine($"error: {ErrorLines.OneLine(e)}; training had finished (epoch {e.Epochs}) and its weights "
                + $"are in {weights}: once the folder can be written, evaluate and export them with: {ResumeCommand(options)}");
            return 1;
        }
        catch (IOException e) when (CheckpointKept(e, options) is { } last)
        {
            System.Console.Error.WriteLine($"error: {ErrorLines.OneLine(e)}; {last} is kept: once the folder can be written, "
                + $"continue from it with: {ResumeCommand(options)}");
            return 1;
        }
        catch (OperationCanceledException) when (interrupt.Token.IsCancellationRequested)
        {
            string last = Path.Combine(options.OutputDirectory, "checkpoints", "last.ckpt");
            System.Console.Error.WriteLine(File.Exists(last)
                ? $"interrupted: stopped after the current batch and saved {last}; resume with: {ResumeCommand(options)}"
                : "interrupted before the first epoch finished: nothing was saved");
            return 130;
        }
    }

    /// <summary>The last checkpoint, when <paramref name="e"/> is a checkpoint's failed write and one is there to continue from.</summary>
    private static string? CheckpointKept(IOException e, TrainingRunOptions options)
    {
        string checkpoints = Path.Combine(options.OutputDirectory, "checkpoints"), line = ErrorLines.OneLine(e);
        string last = Path.Combine(checkpoints, "last.ckpt");
        bool named = line.StartsWith(checkpoints + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || line.StartsWith(Path.GetFullPath(checkpoints) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        return named && File.Exists(last) ? last : null;
    }

    private static string ResumeCommand(TrainingRunOptions options) =>
        $"dotnet run --project Training -c Release -- train --resume --out {options.OutputDirectory} (and the same options)";
}
