using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Scoring.Tests;

/// <summary>
/// A model that train writes once per test run, on first use, into a <see cref="ScratchDirectory"/> folder, and one
/// classifier of its model.onnx that the tests which only score share (a classifier is thread-safe).
/// </summary>
public sealed class TrainedOnce
{
    private readonly Lazy<string> _directory;
    private readonly Lazy<FashionClassifier> _classifier;

    /// <param name="folderPrefix">The folder's name before its random part ("scoring-tests-model-").</param>
    /// <param name="options">The run's options; its output folder is that folder.</param>
    public TrainedOnce(string folderPrefix, TrainingRunOptions options)
    {
        _directory = new(() =>
        {
            string dir = ScratchDirectory.Create(folderPrefix);
            TrainingRun.Execute(options with { OutputDirectory = dir }, new SilentProgress(), CancellationToken.None);
            return dir;
        });
        _classifier = new(() => FashionClassifier.Load(Onnx));
    }

    public string Directory => _directory.Value;
    public string Onnx => Path.Combine(Directory, "model.onnx");
    public FashionClassifier Classifier => _classifier.Value;
}
