namespace MlNetFashion.Pipeline.Runs;

/// <summary>
/// A file of the output folder could not be written (a full disk, a folder in a file's place) after training had
/// finished: the checkpoints hold the trained weights, so <c>train --resume</c> evaluates and exports them without training
/// again once the folder can be written. The message is the file's own error.
/// </summary>
public sealed class ArtifactsNotWrittenException(int epochs, Exception cause) : IOException(cause.Message, cause)
{
    /// <summary>Epochs the checkpoints hold.</summary>
    public int Epochs { get; } = epochs;
}
