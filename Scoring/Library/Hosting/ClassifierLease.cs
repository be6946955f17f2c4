using MlNetFashion.Scoring.Classification;

namespace MlNetFashion.Scoring.Hosting;

/// <summary>
/// One caller's hold on the classifier that was current when it was taken (<see cref="FashionClassifierPool.Acquire"/>):
/// a model swapped out meanwhile is disposed only once every lease on it is disposed.
/// </summary>
public sealed class ClassifierLease : IDisposable
{
    private Action? _release;

    internal ClassifierLease(FashionClassifier classifier, Action release) => (Classifier, _release) = (classifier, release);

    public FashionClassifier Classifier { get; }

    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}
