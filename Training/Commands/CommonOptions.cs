using System.CommandLine;
using System.Globalization;
using MlNetFashion.CommandLine;
using MlNetFashion.Engine.Optimizers;

namespace MlNetFashion.Training.Commands;

/// <summary>Options several verbs share, defined once so names and help texts stay identical.</summary>
internal static class CommonOptions
{
    public static Option<string?> DataDir() =>
        RefuseBlankFolder(new Option<string?>("--data-dir") { Description = "Folder with the four Fashion-MNIST files (.gz or raw)." });

    public static Option<int?> BatchSize() => new("--batch-size") { Description = "Batch size (default: the preset's)." };

    public static Option<float?> LearningRate() => new("--lr") { Description = "Peak learning rate (default: the preset's)." };

    public static Option<ulong> Seed() => new("--seed") { Description = "Seed of the run's one RNG.", DefaultValueFactory = _ => 1 };

    public static Option<OptimizerKind?> Optimizer() =>
        ChoiceOption.Create<OptimizerKind>("--optimizer", "The optimizer (default: the preset's).");

    /// <summary><see cref="BlankValue.Refuse"/> for an option that names a folder.</summary>
    public static Option<T> RefuseBlankFolder<T>(Option<T> option) where T : class? => BlankValue.Refuse(option, "a folder");

    /// <summary>
    /// --threads N, N ≥ 1, checked when the line is parsed: bench passed 0 on to the engine, which said only "threads:
    /// expected at least 1." The token is read as text, as for GpuOption: a non-integer is the parser's own error.
    /// </summary>
    public static Option<int?> Threads()
    {
        var threads = new Option<int?>("--threads") { Description = "Engine threads (default: all cores)." };
        threads.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: var text }] && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n)
                && n < 1)
            {
                result.AddError($"--threads: expected at least 1, received {n}");
            }
        });
        return threads;
    }
}
