using MlNetFashion.Pipeline.Trainer;

namespace MlNetFashion.Pipeline.Runs;

/// <summary>Where a run reports what it is doing (a live console display, plain lines, or nothing in tests).</summary>
public interface ITrainingProgress
{
    void Stage(string message);
    void Metrics(FashionCnnMetrics metrics, int totalEpochs);
}
