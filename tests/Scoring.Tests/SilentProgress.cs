using MlNetFashion.Pipeline.Runs;
using MlNetFashion.Pipeline.Trainer;

namespace MlNetFashion.Scoring.Tests;

/// <summary>The progress of the test models' training runs, which print nothing.</summary>
internal sealed class SilentProgress : ITrainingProgress
{
    public void Stage(string message) { }
    public void Metrics(FashionCnnMetrics metrics, int totalEpochs) { }
}
