using System.CommandLine;
using System.Globalization;
using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Training.Terminal;

namespace MlNetFashion.Training.Commands;

/// <summary>cv --folds K [train options]: k-fold cross-validation on the training set, with a box plot.</summary>
public static class CvCommand
{
    public static Command Create()
    {
        var folds = new Option<int>("--folds") { Description = "Number of folds.", DefaultValueFactory = _ => 5 };
        var net = new NetOptions();
        var epochs = new Option<int?>("--epochs")
        {
            Description = "Epochs per fold (default: the preset's; on a small data set, enough for 500 optimizer steps).",
        };
        var batch = CommonOptions.BatchSize();
        var lr = CommonOptions.LearningRate();
        var optimizer = CommonOptions.Optimizer();
        var validation = new Option<float?>("--validation-fraction")
        {
            Description = "Hold-out within each fold's training images, for early stopping and restore-best "
                + "(default 0: the fold's own images score it).",
        };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var limitTrain = new Option<int?>("--limit-train") { Description = "Use only the first N training images." };
        var dataDir = CommonOptions.DataDir();
        var output = CommonOptions.RefuseBlankFolder(
            new Option<string>("--out") { Description = "Where cv-boxplot.png goes.", DefaultValueFactory = _ => "artifacts" });
        var command = new Command("cv", "K-fold cross-validation on the training set (a fresh model per fold).")
        {
            folds, net.Preset, net.ModelSpec, epochs, batch, lr, optimizer, validation, seed, threads, limitTrain, dataDir, output,
        };
        command.SetAction(parse =>
        {
            var (preset, spec) = net.Read(parse);
            var options = new TrainingRunOptions
            {
                Preset = preset, ModelSpec = spec,
                Epochs = parse.GetValue(epochs), BatchSize = parse.GetValue(batch),
                LearningRate = parse.GetValue(lr), Optimizer = parse.GetValue(optimizer), ValidationFraction = parse.GetValue(validation),
                Seed = parse.GetValue(seed), Threads = parse.GetValue(threads), LimitTrain = parse.GetValue(limitTrain),
                DataDir = parse.GetValue(dataDir), OutputDirectory = parse.GetValue(output)!,
            };
            using var interrupt = new InterruptHandler();
            CrossValidationRun.Result result;
            try
            {
                result = CrossValidationRun.Execute(options, parse.GetValue(folds), TrainingDisplay.Create(), interrupt.Token);
            }
            catch (OperationCanceledException) when (interrupt.Token.IsCancellationRequested)
            {
                // As train's Ctrl+C (exit 130), but there is nothing to resume: folds keep no checkpoints.
                Console.Error.WriteLine("interrupted: cross-validation stopped after the current batch; no box plot was written "
                    + "(folds keep no checkpoints: a new cv starts over)");
                return 130;
            }
            var c = CultureInfo.InvariantCulture;
            for (int f = 0; f < result.FoldAccuracies.Length; f++)
                Console.WriteLine(string.Create(c, $"fold {f + 1}: {result.FoldAccuracies[f]:P2}"));
            string plot = Path.Combine(options.OutputDirectory, "cv-boxplot.png");
            Console.WriteLine(string.Create(c, $"accuracy {result.Mean:P2} ± {result.StandardDeviation:P2} over "
                + $"{result.FoldAccuracies.Length} folds; box plot in {plot}"));
            return 0;
        });
        return command;
    }
}
