using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Scoring.Hosting;

/// <summary>What a <see cref="FashionClassifierPool"/> loads and whether it follows changes of the model file.</summary>
public sealed record FashionClassifierPoolOptions
{
    /// <summary>model.onnx or model.zip.</summary>
    public required string ModelPath { get; init; }

    /// <summary>
    /// Load a replaced model file (written atomically: a temp file, then a rename, as train writes it), warm it up and swap
    /// it in; requests already running finish on the old model. A file that fails to load is refused and the old model
    /// keeps serving.
    /// </summary>
    public bool WatchForChanges { get; init; }

    /// <summary>How the classifiers score (GPU, ONNX Runtime threads per prediction).</summary>
    public ClassifierOptions Classifier { get; init; } = new();

    /// <summary>
    /// Quiet time after the last change event before the file is read: a file copied in place (not renamed) raises an
    /// event per write, and is read once they stop.
    /// </summary>
    public TimeSpan ChangeDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Also check the file this often (null: only on file-system events). For file systems that raise no events, such as
    /// network shares written from another machine.
    /// </summary>
    public TimeSpan? PollInterval { get; init; }
}
