namespace MlNetFashion.Engine.Training;

/// <summary>One row of the training history (history.csv).</summary>
public sealed record EpochMetrics(int Epoch, float Loss, float Accuracy, float? ValidationLoss, float? ValidationAccuracy,
    float LearningRate, double Seconds, double ImagesPerSecond);

/// <summary>Progress within an epoch, for live progress bars (a struct: reporting a batch allocates nothing).</summary>
public readonly record struct BatchMetrics(int Epoch, int Batch, int BatchesPerEpoch, int Images, float Loss, float Accuracy,
    float LearningRate, double ImagesPerSecond);
