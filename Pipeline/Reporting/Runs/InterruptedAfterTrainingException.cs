namespace MlNetFashion.Pipeline.Runs;

/// <summary>
/// Ctrl+C after the last epoch, while the run evaluated or exported: nothing was written to the output folder, but the
/// checkpoints hold the trained weights, so <c>train --resume</c> evaluates and exports them without training again.
/// </summary>
public sealed class InterruptedAfterTrainingException(int epochs, string stage, CancellationToken token)
    : OperationCanceledException($"interrupted while {stage}, after epoch {epochs}", token)
{
    /// <summary>Epochs the checkpoints hold.</summary>
    public int Epochs { get; } = epochs;

    /// <summary>What the run was doing, e.g. "evaluating on the test set".</summary>
    public string Stage { get; } = stage;
}
