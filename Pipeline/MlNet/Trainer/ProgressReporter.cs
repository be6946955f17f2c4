using Microsoft.ML.Runtime;
using MlNetFashion.Engine.Training;

namespace MlNetFashion.Pipeline.Trainer;

/// <summary>Forwards engine progress to Options.MetricsCallback, or to MLContext.Log (one line per epoch) without one.</summary>
internal sealed class ProgressReporter(IHostEnvironment? environment, Action<FashionCnnMetrics>? callback, int epochs)
    : ITrainingCallback
{
    private int _batchesPerEpoch;   // for the epoch-end report, which the engine's EpochMetrics does not count in batches

    public void OnBatchEnd(BatchMetrics m)
    {
        _batchesPerEpoch = m.BatchesPerEpoch;
        callback?.Invoke(new FashionCnnMetrics(m.Epoch, m.Batch, m.BatchesPerEpoch, m.Accuracy, m.Loss, m.LearningRate, null, null,
            m.ImagesPerSecond, EpochEnd: false, epochs));
    }

    public void OnEpochEnd(EpochMetrics m, TrainingControl control)
    {
        if (callback is not null)
        {
            callback(new FashionCnnMetrics(m.Epoch, _batchesPerEpoch, _batchesPerEpoch, m.Accuracy, m.Loss, m.LearningRate,
                m.ValidationAccuracy, m.ValidationLoss, m.ImagesPerSecond, EpochEnd: true, epochs));
            return;
        }
        if (environment is null) return;
        // A channel of the context's environment: its messages reach MLContext.Log subscribers.
        using var channel = environment.Start("FashionCnn");
        channel.Info(MessageSensitivity.None, $"epoch {m.Epoch}/{epochs}: loss {m.Loss:F4}, accuracy {m.Accuracy:P2}" +
            (m.ValidationAccuracy is float va ? $", validation accuracy {va:P2}" : "")
                + $", lr {m.LearningRate:G3}, {m.ImagesPerSecond:N0} img/s");
    }
}
